export declare const TEST_NAMES: readonly string[];
export interface LogFinding {
  kind: 'email' | 'ip' | 'iban' | 'token' | 'name';
  match: string;
}
export declare function findPersonalData(line: string): LogFinding[];
export declare function scanCapture(
  dir: string,
): Promise<{ files: number; lines: number; findings: (LogFinding & { file: string; line: string })[] }>;
