/** The console's page frame: head (external CSS and JS only: the CSP allows no inline script or style), navigation. */
import type { StaffRecord } from '../../../domain/records.ts';
import { type HtmlValue, html, type SafeHtml } from './html.ts';

/** Where the console's CSS and JS are served (their URLs carry their content hash). */
export interface ConsoleAssetPaths {
  readonly style: string;
  readonly script: string;
}

export interface PageFrame {
  readonly assets: ConsoleAssetPaths;
  /** Absent on the sign-in pages. */
  readonly staff?: StaffRecord;
  readonly csrfToken?: string;
  /** Which navigation item is current. */
  readonly section?: ConsoleSection;
}

export type ConsoleSection =
  | 'dashboard'
  | 'tickets'
  | 'consents'
  | 'suppression'
  | 'audit'
  | 'knowledge'
  | 'staff'
  | 'account';

/** Indonesian first, English beside it (the console is used by both). */
export const both = (id: string, en: string): SafeHtml => html`${id} <span class="en" lang="en">${en}</span>`;

const NAV: readonly { section: ConsoleSection; href: string; id: string; en: string; admin?: boolean }[] = [
  { section: 'dashboard', href: '/console', id: 'Dasbor', en: 'Dashboard' },
  { section: 'tickets', href: '/console/tickets', id: 'Permintaan', en: 'Requests' },
  { section: 'consents', href: '/console/consents', id: 'Persetujuan', en: 'Consents' },
  { section: 'suppression', href: '/console/unsubscribes', id: 'Berhenti promo', en: 'Suppression list' },
  { section: 'audit', href: '/console/audit', id: 'Audit', en: 'Audit trail' },
  { section: 'knowledge', href: '/console/knowledge', id: 'Pengetahuan', en: 'Knowledge', admin: true },
  { section: 'staff', href: '/console/staff', id: 'Staf', en: 'Staff', admin: true },
  { section: 'account', href: '/console/account', id: 'Akun saya', en: 'My account' },
];

/** A hidden field with the session's CSRF token, for every POST form. */
export const csrfField = (token: string | undefined): SafeHtml =>
  html`<input type="hidden" name="csrf" value="${token ?? ''}">`;

/** A hidden field with a form's one-time key (the action happens once however often the form is posted). */
export const onceField = (key: string): SafeHtml => html`<input type="hidden" name="once" value="${key}">`;

export function page(frame: PageFrame, title: string, body: HtmlValue): string {
  const { staff, section } = frame;
  const signOut = staff
    ? html`<form method="post" action="/console/logout" class="signout">${csrfField(frame.csrfToken)}
<span class="who">${staff.name} · ${staff.role}</span> <button type="submit">${both('Keluar', 'Sign out')}</button></form>`
    : '';
  const nav = staff
    ? html`<nav aria-label="Menu"><ul>${NAV.filter((n) => !n.admin || staff.role === 'admin').map(
        (n) =>
          html`<li><a href="${n.href}"${n.section === section ? html` aria-current="page"` : ''}>${both(n.id, n.en)}</a></li>`,
      )}</ul></nav>`
    : '';
  return html`<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${title} – Wowrack Privacy Console</title><link rel="stylesheet" href="${frame.assets.style}">
<script src="${frame.assets.script}" defer></script></head>
<body><header><div class="bar"><a class="brand" href="/console">Wowrack · <span>Privacy Console</span></a>${signOut}</div>${nav}</header>
<main><h1>${title}</h1>${body}</main></body></html>`.markup;
}
