/** Staff accounts (admins only): add, disable or enable, reset a password, change a role. Every change audited. */
import type { AuditTrail } from '../../../domain/audit.ts';
import type { StaffRole } from '../../../domain/records.ts';
import type { StaffService } from '../../../domain/staff.ts';
import { formatTime } from '../../../domain/time.ts';
import { ConsoleInputError, formText, queryParam, redirect, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html } from './html.ts';
import { both, csrfField, page } from './layout.ts';

const roleOf = (value: string): StaffRole => {
  if (value === 'admin' || value === 'support') return value;
  throw new ConsoleInputError('Peran tidak dikenal · Unknown role');
};

const STAFF_COLUMNS: readonly Column[] = [
  { id: 'Nama', en: 'Name' },
  { id: 'E-mail' },
  { id: 'Peran', en: 'Role' },
  { id: 'Status' },
  { id: '2FA' },
  { id: 'Dibuat', en: 'Created' },
  { id: 'Tindakan', en: 'Actions' },
];

const DONE: Record<string, string> = {
  added: 'Staf ditambahkan · Staff member added',
  saved: 'Tersimpan · Saved',
};

export interface StaffRouteDeps {
  readonly staff: StaffService;
  readonly audit: AuditTrail;
}

export function registerStaffRoutes(router: ConsoleRouter, deps: StaffRouteDeps): void {
  const { staff, audit } = deps;
  const admin = { role: 'admin' } as const;

  router.page(
    '/console/staff',
    async ({ req, res, frame, active, actor }) => {
      const csrf = csrfField(active.session.csrfToken);
      const members = await staff.list();
      // The list shows the team's names and addresses: its view is audited like the customers' lists.
      await audit.record({ actor, action: 'staff.listed', details: { rows: String(members.length) } });
      const done = DONE[queryParam(req, 'done')];
      const rows = members.map((s) => ({
        cells: [
          s.name,
          s.email,
          s.role,
          s.disabled ? 'Nonaktif · Disabled' : 'Aktif · Active',
          s.totpEnabled ? '✓' : '—',
          formatTime(s.createdAt, 'id'),
          html`<form method="post" action="/console/staff/state" class="inline">${csrf}<input type="hidden" name="email" value="${s.email}"><input type="hidden" name="disabled" value="${s.disabled ? 'no' : 'yes'}">
<button type="submit"${s.disabled ? '' : html` class="danger"`}>${s.disabled ? both('Aktifkan', 'Enable') : both('Nonaktifkan', 'Disable')}</button></form>
<form method="post" action="/console/staff/role" class="inline">${csrf}<input type="hidden" name="email" value="${s.email}"><input type="hidden" name="role" value="${s.role === 'admin' ? 'support' : 'admin'}">
<button type="submit">${s.role === 'admin' ? both('Jadikan support', 'Make support') : both('Jadikan admin', 'Make admin')}</button></form>
<form method="post" action="/console/staff/reset" class="inline">${csrf}<input type="hidden" name="email" value="${s.email}">
<input type="password" name="password" minlength="12" maxlength="256" required autocomplete="new-password" aria-label="Kata sandi baru · New password" placeholder="Kata sandi baru · New password">
<button type="submit">${both('Atur ulang', 'Reset')}</button></form>`,
        ],
      }));
      const body = html`${done ? html`<p class="notice ok" role="status">${done}</p>` : ''}
${dataTable(STAFF_COLUMNS, rows, both('Belum ada staf.', 'No staff yet.'))}
<h2>${both('Tambah staf', 'Add staff member')}</h2><form method="post" action="/console/staff" class="card narrow">${csrf}
<label>${both('Nama', 'Name')}<input type="text" name="name" required maxlength="100"></label>
<label>E-mail<input type="email" name="email" required maxlength="320"></label>
<label>${both('Peran', 'Role')}<select name="role"><option value="support">support</option><option value="admin">admin</option></select></label>
<label>${both('Kata sandi awal (min. 12 karakter)', 'Initial password (12+ characters)')}<input type="password" name="password" minlength="12" maxlength="256" required autocomplete="new-password"></label>
<button type="submit" class="primary">${both('Tambah', 'Add')}</button></form>`;
      sendHtml(res, 200, page(frame('staff'), 'Staf · Staff', body));
    },
    admin,
  );

  router.action(
    '/console/staff',
    async ({ req, res, actor }) => {
      await staff.add(
        {
          name: formText(req, 'name', 100),
          email: formText(req, 'email', 320),
          role: roleOf(formText(req, 'role', 10)),
          password: formText(req, 'password', 256),
        },
        actor,
      );
      redirect(res, '/console/staff?done=added');
    },
    admin,
  );

  router.action(
    '/console/staff/state',
    async ({ req, res, actor }) => {
      await staff.setDisabled(formText(req, 'email', 320), formText(req, 'disabled', 5) === 'yes', actor);
      redirect(res, '/console/staff?done=saved');
    },
    admin,
  );

  router.action(
    '/console/staff/role',
    async ({ req, res, actor }) => {
      await staff.setRole(formText(req, 'email', 320), roleOf(formText(req, 'role', 10)), actor);
      redirect(res, '/console/staff?done=saved');
    },
    admin,
  );

  router.action(
    '/console/staff/reset',
    async ({ req, res, actor }) => {
      await staff.resetPassword(formText(req, 'email', 320), formText(req, 'password', 256), actor);
      redirect(res, '/console/staff?done=saved');
    },
    admin,
  );
}
