import { describe, expect, it } from 'vitest';
import { ROLES } from '../domain';

// The application source (not tests, nor the generated bindings and the unions' lists), as text.
const sources = Object.entries(
  import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../test/**', '!../bindings.ts', '!../domain.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
);

/** The user-administration screens show and choose roles; nothing else reads one. */
const SHOWS_ROLES = new Set([
  '../features/admin/AddUserModal.tsx',
  '../features/admin/UsersScreen.tsx',
  '../features/account/UserMenu.tsx',
  '../features/admin/AuditPanel.tsx',
]);

const name = `['"\`](?:${ROLES.join('|')})['"\`]`;
const ROLE_CHECKS = [
  // role === 'admin', 'nurse' !== x, case 'doctor':
  new RegExp(String.raw`(?:===|!==)\s*${name}|${name}\s*(?:===|!==)|case\s+${name}\s*:`),
  // user.role === …, … !== role
  /\brole\s*(?:===|!==)|(?:===|!==)\s*[\w.?]*\brole\b/,
  // ['receptionist', 'admin'].includes(role), roles.includes(…), roles: ['admin']
  new RegExp(String.raw`\[[^\]]*${name}[^\]]*\]\s*\.includes\(|\broles\b\s*(?:\.includes\(|[:=]\s*\[)|\.includes\(\s*[\w.?]*\brole\s*\)`),
];

describe('what a user may do', () => {
  it('is asked of Rust (can(action)), never read from the role’s name', () => {
    const offenders = sources
      .filter(([file]) => !SHOWS_ROLES.has(file))
      .flatMap(([file, text]) =>
        text
          .split('\n')
          .map((line, i) => ({ at: `${file.replace('../', 'src/')}:${String(i + 1)}`, line: line.trim() }))
          .filter(({ line }) => ROLE_CHECKS.some((check) => check.test(line))),
      );
    expect(offenders).toEqual([]);
  });
});
