/*
 * Wowrack privacy assistant, website widget. Add to any page of a site listed in FRAME_ANCESTORS:
 *
 *   <script src="https://chat.example/embed.js" async></script>
 *
 * It adds a round chat button in the bottom-right corner that opens the chat (this server's page, ?embed=1) in a
 * panel. Styles are set through the DOM (no <style> element, no innerHTML), so it also works on pages with a strict
 * Content-Security-Policy or Trusted Types. The iframe is created on first open: nothing loads before that.
 */
(() => {
  if (window.__wowrackPrivacyChat) return; // the snippet was added twice
  window.__wowrackPrivacyChat = true;

  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll('script[src]')).find((s) => /\/embed\.js(?:[?#]|$)/.test(s.src));
  if (!script?.src) return;
  const origin = new URL(script.src, location.href).origin;

  const BLUE = '#0b4f8a';
  const ORANGE = '#f28c28';
  const FRAME_ID = 'wowrack-privacy-chat-frame';
  const SVG = 'http://www.w3.org/2000/svg';
  const small = window.matchMedia('(max-width: 480px)');

  function icon(paths) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (const d of paths) {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      path.setAttribute('fill', 'currentColor');
      svg.append(path);
    }
    return svg;
  }

  const chatIcon = () =>
    icon([
      'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z',
      'M7 9.5a1.5 1.5 0 1 0 3 0 1.5 1.5 0 0 0-3 0zm5 0a1.5 1.5 0 1 0 3 0 1.5 1.5 0 0 0-3 0z',
    ]);
  const closeIcon = () =>
    icon(['M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z']);

  function init() {
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-label', 'Buka chat asisten privasi');
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', FRAME_ID);
    button.title = 'Asisten Privasi Wowrack';
    Object.assign(button.style, {
      position: 'fixed',
      right: '20px',
      bottom: '20px',
      zIndex: '2147483000',
      width: '60px',
      height: '60px',
      padding: '0',
      margin: '0',
      border: `2px solid ${ORANGE}`,
      borderRadius: '50%',
      background: BLUE,
      color: '#fff',
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      cursor: 'pointer',
      boxShadow: '0 4px 14px rgba(0, 0, 0, 0.25)',
      outlineOffset: '3px',
    });
    button.append(chatIcon());

    let frame;
    let open = false;

    function layout() {
      if (!frame) return;
      const phone = small.matches;
      // An iframe does not stretch between left/right or top/bottom: its size is always given.
      Object.assign(frame.style, {
        width: phone ? 'calc(100% - 16px)' : '380px',
        height: phone ? 'calc(100% - 104px)' : '560px',
        maxHeight: phone ? 'none' : 'calc(100% - 112px)',
        left: phone ? '8px' : 'auto',
        top: phone ? '8px' : 'auto',
        right: phone ? 'auto' : '20px',
        bottom: phone ? 'auto' : '92px',
      });
    }

    function show(visible) {
      open = visible;
      if (visible && !frame) {
        frame = document.createElement('iframe');
        frame.id = FRAME_ID;
        frame.title = 'Asisten Privasi Wowrack';
        frame.src = `${origin}/?embed=1`;
        Object.assign(frame.style, {
          position: 'fixed',
          zIndex: '2147483000',
          border: '0',
          borderRadius: '14px',
          background: '#fff',
          boxShadow: '0 8px 30px rgba(0, 0, 0, 0.25)',
          colorScheme: 'normal',
        });
        layout();
        document.body.append(frame);
      }
      if (frame) frame.style.display = visible ? 'block' : 'none';
      button.setAttribute('aria-expanded', String(visible));
      button.setAttribute('aria-label', visible ? 'Tutup chat asisten privasi' : 'Buka chat asisten privasi');
      button.replaceChildren(visible ? closeIcon() : chatIcon());
    }

    button.addEventListener('click', () => show(!open));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && open) {
        show(false);
        button.focus();
      }
    });
    small.addEventListener?.('change', layout);
    document.body.append(button);
  }

  if (document.body) init();
  else document.addEventListener('DOMContentLoaded', init, { once: true });
})();
