// Wowrack Privacy Console: live deadline countdowns, confirmations, one post per form. Served as a file (the CSP
// allows no inline script); the pages work without it (the server renders every value), this only keeps them current.
const HOUR = 3_600_000;

const label = (ms) => {
  const hours = Math.abs(ms) / HOUR;
  const h = Math.floor(hours);
  const m = Math.floor((hours - h) * 60);
  const span = h >= 48 ? `${Math.floor(h / 24)} hari ${h % 24} jam` : `${h} jam ${m} mnt`;
  return ms <= 0 ? `lewat ${span}` : `${span} lagi`;
};

// The same rule as domain/ticketQueue.ts urgency(): overdue once the due time is reached, due soon under 24 hours.
const urgencyClass = (ms) => (ms <= 0 ? 'due-overdue' : ms < 24 * HOUR ? 'due-soon' : 'due-ok');

const tick = () => {
  const now = Date.now();
  for (const node of document.querySelectorAll('[data-due]')) {
    if (node.getAttribute('data-closed') === 'true') continue;
    const due = Date.parse(node.getAttribute('data-due') ?? '');
    if (Number.isNaN(due)) continue;
    const ms = due - now;
    node.textContent = label(ms);
    node.className = urgencyClass(ms);
  }
};

document.addEventListener('DOMContentLoaded', () => {
  tick();
  setInterval(tick, 30_000);
  for (const form of document.querySelectorAll('form[method=post]')) {
    form.addEventListener('submit', (event) => {
      const question = form.getAttribute('data-confirm');
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      // A double click posts once (the server also ignores a form's one-time key seen before). Disabled after this
      // event, so the pressed button still goes with the form.
      setTimeout(() => {
        for (const button of form.querySelectorAll('button')) button.disabled = true;
      }, 0);
    });
  }
});

// A spreadsheet picked in the page is read here into the form's text field (the console posts forms, never files).
document.addEventListener('DOMContentLoaded', () => {
  for (const input of document.querySelectorAll('input[type=file][data-fill]')) {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      const target = input.form?.querySelector(`textarea[name="${input.getAttribute('data-fill')}"]`);
      if (!file || !target) return;
      file.text().then((text) => {
        target.value = text;
      });
    });
  }
});
