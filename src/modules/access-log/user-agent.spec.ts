import { describe, expect, it } from '@jest/globals';
import { UserAgentParser } from './user-agent.js';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

describe('browser and operating system from the User-Agent', () => {
  const parser = new UserAgentParser();

  it('names the browser, the operating system and their versions', () => {
    expect(parser.parse(CHROME_WINDOWS)).toEqual({
      browserName: 'Chrome',
      browserVersion: '131.0.0.0',
      osName: 'Windows',
      osVersion: '10',
    });
    expect(parser.parse(SAFARI_IPHONE)).toMatchObject({
      browserName: 'Safari',
      browserVersion: '18.1',
      osName: 'iOS',
    });
    expect(parser.parse(FIREFOX_LINUX)).toMatchObject({
      browserName: 'Firefox',
      browserVersion: '140.0',
      osName: 'Linux',
    });
  });

  it('answers nothing for a missing or meaningless header instead of failing', () => {
    const none = { browserName: null, browserVersion: null, osName: null, osVersion: null };
    expect(parser.parse(undefined)).toEqual(none);
    expect(parser.parse('   ')).toEqual(none);
    expect(parser.parse('curl/8.5.0').osName).toBeNull();
  });

  it('stays bounded however many different strings it sees', () => {
    const small = new UserAgentParser(3);
    for (let i = 0; i < 10; i++) {
      expect(small.parse(`${FIREFOX_LINUX} build/${i}`).browserName).toBe('Firefox');
      expect(small.cached).toBeLessThanOrEqual(3);
    }
    expect(small.parse(CHROME_WINDOWS).browserName).toBe('Chrome');
  });
});
