/**
 * The staff command's words: `add EMAIL [--role support|admin] [--name NAME]`, `list`, `disable EMAIL`,
 * `enable EMAIL`, `reset EMAIL`, `2fa-off EMAIL`. A password (add, reset) comes from standard input, never from the
 * command line (which other users of the machine can read in the process list). Runs on the console's StaffService,
 * wherever that is: in this process (no assistant running) or in the running assistant (controlSocket.ts).
 */
import { StaffError, type StaffService } from '../../domain/staff.ts';
import { formatTime } from '../../domain/time.ts';

/** What a command asks for: its words, and the password read from standard input (add, reset). */
export interface StaffRequest {
  readonly args: readonly string[];
  readonly password?: string;
}

/** What it came to: an exit code and the lines to print. */
export interface CommandResult {
  readonly code: number;
  readonly lines: readonly string[];
}

export const STAFF_USAGE = [
  'usage: npm run --silent staff -- <command>',
  '  add EMAIL [--role support|admin] [--name NAME]   (password on standard input: printf \'%s\\n\' "$PASSWORD" | …)',
  '  list',
  '  disable EMAIL | enable EMAIL',
  '  reset EMAIL                                      (new password on standard input)',
  '  2fa-off EMAIL                                    (turns two-step verification off, e.g. a lost phone)',
];

/** Whether the command reads a password from standard input. */
export const needsPassword = (args: readonly string[]): boolean => args[0] === 'add' || args[0] === 'reset';

const fail = (...lines: string[]): CommandResult => ({ code: 2, lines });

/** The value after `--name` in `args`, or undefined. */
function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function runStaffCommand(staff: StaffService, request: StaffRequest): Promise<CommandResult> {
  const [command, email = '', ...rest] = request.args;
  try {
    switch (command) {
      case 'add': {
        const role = option(rest, 'role') ?? 'support';
        if (role !== 'support' && role !== 'admin') return fail('--role must be support or admin');
        const name = option(rest, 'name') ?? email.slice(0, email.indexOf('@'));
        const added = await staff.add({ email, name, role, password: request.password ?? '' }, 'cli');
        return { code: 0, lines: [`added ${added.email} (${added.role}, ${added.name})`] };
      }
      case 'list': {
        const members = await staff.list();
        if (members.length === 0) return { code: 0, lines: ['no staff accounts yet'] };
        return {
          code: 0,
          lines: members.map(
            (s) =>
              `${s.email}\t${s.role}\t${s.disabled ? 'disabled' : 'enabled'}\t2fa ${s.totpEnabled ? 'on' : 'off'}\t` +
              `${s.name}\tsince ${formatTime(s.createdAt, 'en')}`,
          ),
        };
      }
      case 'disable':
      case 'enable': {
        const member = await staff.setDisabled(email, command === 'disable', 'cli');
        return {
          code: 0,
          lines: [`${member.email} is ${member.disabled ? 'disabled (its sessions ended)' : 'enabled'}`],
        };
      }
      case 'reset': {
        const member = await staff.resetPassword(email, request.password ?? '', 'cli');
        return { code: 0, lines: [`new password set for ${member.email}; its sessions ended`] };
      }
      case '2fa-off': {
        const member = await staff.disableTotp(email, 'cli');
        return { code: 0, lines: [`two-step verification is off for ${member.email}`] };
      }
      default:
        return fail(...STAFF_USAGE);
    }
  } catch (error) {
    if (error instanceof StaffError) return { code: 1, lines: [`refused: ${error.message}`] };
    throw error;
  }
}
