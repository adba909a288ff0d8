import { HttpStatus } from '@nestjs/common';
import { ProblemException } from './problem.js';

/** Limits applied to every JSON request body before anything (validator, transformer) walks it. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays allowed. */
  maxDepth: number;
  /** Most object members plus array elements allowed in one body, counted over all levels. */
  maxMembers: number;
}

/** Keys that replace or reach a prototype when an object is copied or merged. */
const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const hostile = (detail: string): ProblemException =>
  new ProblemException(HttpStatus.BAD_REQUEST, 'unacceptable-json', 'Unacceptable JSON', detail);

/**
 * One linear pass over the text, counting bracket depth outside strings. It runs before
 * `JSON.parse`, so a body nested thousands of levels deep is refused without any recursion.
 */
function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw hostile(`The body is nested deeper than ${maxDepth} levels.`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** Iterative walk (no recursion): counts members and refuses prototype-reaching keys. */
function checkMembers(root: unknown, maxMembers: number): void {
  const stack: unknown[] = [root];
  let members = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      members += node.length;
      for (const item of node) stack.push(item);
    } else {
      const keys = Object.keys(node);
      members += keys.length;
      for (const key of keys) {
        if (POISONED_KEYS.has(key)) throw hostile(`The body contains the forbidden key "${key}".`);
        stack.push((node as Record<string, unknown>)[key]);
      }
    }
    if (members > maxMembers) throw hostile(`The body has more than ${maxMembers} members.`);
  }
}

/**
 * Parses a JSON body within the limits; throws a 400 problem (or a malformed-JSON problem) otherwise.
 * `__proto__` is an own key after `JSON.parse` and never touches a prototype there; it is refused so
 * that no later copy or merge can be poisoned through it.
 */
export function parseGuardedJson(body: Buffer | string, limits: JsonLimits): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    throw new ProblemException(
      HttpStatus.BAD_REQUEST,
      'malformed-json',
      'Malformed JSON',
      'The request body is empty but declared as JSON.',
    );
  }
  checkDepth(text, limits.maxDepth);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProblemException(
      HttpStatus.BAD_REQUEST,
      'malformed-json',
      'Malformed JSON',
      'The request body is not valid JSON.',
    );
  }
  checkMembers(parsed, limits.maxMembers);
  return parsed;
}
