/*
 * The chat page's script (plain ES2020, no build step): gets a Direct Line token, connects Web Chat and keeps the
 * conversation across reloads of the tab.
 *
 * - builtin mode: POST {domain}/tokens/generate on this server; azure mode: POST /api/directline/token (this server
 *   exchanges its secret with Azure; the secret never reaches the browser).
 * - {conversationId, token, expiresAt, userId} is kept in sessionStorage (this tab only). A reload with a live token
 *   reconnects to the same conversation from watermark 0, so the whole history comes back. When that fails (expired
 *   token, restarted server, unknown conversation) the entry is dropped and a new conversation starts.
 * - The token is refreshed (POST {domain}/tokens/refresh) well before it expires; sessionStorage and DirectLineJS get
 *   the new one.
 */
(() => {
  const BLUE = '#0b4f8a';
  const ORANGE = '#f28c28';
  /** A stored token this close to its expiry is not reused, and refreshing starts at the latest this early. */
  const SAFETY_MS = 60_000;
  /** DirectLineJS ConnectionStatus values. */
  const ONLINE = 2;
  const EXPIRED_TOKEN = 3;
  const FAILED_TO_CONNECT = 4;

  const host = document.getElementById('webchat');
  const statusBar = document.getElementById('chat-status');
  const config = readConfig();
  const storageKey = `wowrack-chat:${config.mode}`;

  /** The page's settings, from its JSON block (not executable script: the CSP allows only our files). */
  function readConfig() {
    let raw = {};
    try {
      raw = JSON.parse(document.getElementById('chat-config')?.textContent || '{}') || {};
    } catch {
      raw = {};
    }
    const mode = raw.mode === 'azure' ? 'azure' : 'builtin';
    const domain = new URL(String(raw.directLineDomain || '/v3/directline'), location.href).href.replace(/\/+$/, '');
    const tokenUrl = new URL(String(raw.tokenUrl || `${domain}/tokens/generate`), location.href).href;
    const avatarUrl = typeof raw.avatarUrl === 'string' ? new URL(raw.avatarUrl, location.href).href : undefined;
    return { mode, domain, tokenUrl, avatarUrl };
  }

  const narrow = window.matchMedia('(max-width: 600px)').matches;
  const styleOptions = {
    accent: BLUE,
    subtle: '#5f6b7a',
    backgroundColor: '#ffffff',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    avatarSize: 36,
    botAvatarInitials: 'WR',
    botAvatarBackgroundColor: BLUE,
    ...(config.avatarUrl ? { botAvatarImage: config.avatarUrl } : {}),
    bubbleBackground: '#f4f6f9',
    bubbleBorderColor: '#dde3ea',
    bubbleBorderWidth: 1,
    bubbleBorderRadius: 12,
    bubbleTextColor: '#1d2733',
    bubbleFromUserBackground: BLUE,
    bubbleFromUserBorderColor: BLUE,
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserTextColor: '#ffffff',
    // Buttons hold whole questions: side by side on a wide page; stacked and wrapped (never cut off) when narrow,
    // as in the embed widget's panel.
    ...(narrow
      ? {
          suggestedActionLayout: 'stacked',
          suggestedActionsStackedLayoutButtonTextWrap: true,
          suggestedActionsStackedHeight: 216,
        }
      : { suggestedActionLayout: 'flow' }),
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: ORANGE,
    suggestedActionBorderRadius: 16,
    suggestedActionBorderWidth: 1,
    suggestedActionTextColor: BLUE,
    suggestedActionBackgroundColorOnHover: '#fff4e8',
    suggestedActionKeyboardFocusIndicatorBorderColor: BLUE,
    sendBoxButtonColor: BLUE,
    sendBoxButtonColorOnHover: ORANGE,
    sendBoxButtonColorOnFocus: ORANGE,
    hideUploadButton: true,
  };

  /**
   * Shows the button a customer clicked as their message. The assistant's buttons are messageBack actions with a
   * displayText and no text (the value says what to do); Web Chat 4.18 skips such messages although its bubble would
   * show the displayText, so they are rendered with it as their text (display only: nothing sent changes).
   */
  const activityMiddleware =
    () =>
    (next) =>
    (...args) => {
      const [options] = args;
      const activity = options?.activity;
      const displayText = activity?.channelData?.messageBack?.displayText;
      if (activity?.type !== 'message' || activity.text || typeof displayText !== 'string' || displayText === '')
        return next(...args);
      return next({ ...options, activity: { ...activity, text: displayText, textFormat: 'plain' } }, ...args.slice(1));
    };

  const storage = {
    load() {
      try {
        const value = JSON.parse(sessionStorage.getItem(storageKey) || 'null');
        const valid =
          value &&
          typeof value.token === 'string' &&
          typeof value.conversationId === 'string' &&
          typeof value.expiresAt === 'number';
        return valid ? value : undefined;
      } catch {
        return undefined; // storage blocked (privacy settings) or garbage: start afresh
      }
    },
    save(session) {
      try {
        const { conversationId, token, expiresAt, userId } = session;
        sessionStorage.setItem(storageKey, JSON.stringify({ conversationId, token, expiresAt, userId }));
      } catch {
        // Storage blocked or full: the chat works, a reload just starts a new conversation.
      }
    },
    clear() {
      try {
        sessionStorage.removeItem(storageKey);
      } catch {
        // Nothing to clear.
      }
    },
  };

  async function post(url, token) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(url, { method: 'POST', headers, cache: 'no-store' });
    if (!response.ok) {
      const error = new Error(`${url} answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /** A session from a token response ({token, conversationId?, expires_in, userId?}); missing parts come from `previous`. */
  function sessionFrom(body, previous) {
    if (!body || typeof body.token !== 'string' || body.token === '') throw new Error('the response has no token');
    const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 1800;
    return {
      token: body.token,
      conversationId: typeof body.conversationId === 'string' ? body.conversationId : previous?.conversationId,
      userId: typeof body.userId === 'string' ? body.userId : previous?.userId,
      expiresAt: Date.now() + expiresIn * 1000,
    };
  }

  /** The connection on screen: {directLine, session, element, subscription, timer, online}. */
  let current;

  function stop() {
    const connection = current;
    current = undefined;
    if (!connection) return;
    clearTimeout(connection.timer);
    connection.subscription?.unsubscribe();
    try {
      connection.directLine.end();
    } catch {
      // Already ended.
    }
    connection.element.remove();
  }

  /** Connects: to the conversation kept in this tab when `resume` and its token is still good, else to a new one. */
  function start(resume) {
    connect(resume).catch(() => {
      stop();
      showStatus('Maaf, chat tidak dapat dimulai.', 'Coba lagi', () => start(false));
    });
  }

  async function connect(resume) {
    stop();
    hideStatus();
    if (!window.WebChat) {
      showStatus('Chat tidak dapat dimuat. Periksa koneksi Anda, lalu muat ulang halaman.', 'Muat ulang', () =>
        location.reload(),
      );
      return;
    }
    let session = resume ? storage.load() : undefined;
    if (session && session.expiresAt - Date.now() < SAFETY_MS) session = undefined;
    const resuming = session !== undefined;
    if (!session) {
      storage.clear();
      try {
        session = sessionFrom(await post(config.tokenUrl));
      } catch {
        showStatus('Maaf, asisten tidak dapat dihubungi saat ini.', 'Coba lagi', () => start(false));
        return;
      }
      storage.save(session);
    }

    const options = { domain: config.domain, token: session.token, webSocket: true };
    if (resuming) {
      options.conversationId = session.conversationId;
      // Replay from the start, so a reload shows the conversation so far (without a watermark Direct Line, like
      // Azure's, only sends what comes after the reconnect).
      options.watermark = '0';
    }
    const directLine = window.WebChat.createDirectLine(options);
    const element = document.createElement('div');
    element.className = 'webchat-root';
    host.append(element);
    const connection = { directLine, session, element, subscription: undefined, timer: undefined, online: false };
    current = connection;
    connection.subscription = directLine.connectionStatus$.subscribe((status) =>
      onStatus(connection, status, resuming),
    );
    window.WebChat.renderWebChat(
      {
        directLine,
        locale: 'id-ID',
        styleOptions,
        activityMiddleware,
        sendTypingIndicator: false,
        // Web Chat ignores a "dl_" user id passed in (it reads it from an Azure token itself, and the built-in
        // endpoint sets it on the server): only another id is worth passing.
        ...(session.userId && !session.userId.startsWith('dl_') ? { userID: session.userId } : {}),
      },
      element,
    );
    scheduleRefresh(connection);
  }

  function onStatus(connection, status, resuming) {
    if (connection !== current) return;
    if (status === ONLINE) {
      connection.online = true;
      hideStatus();
      const id = connection.directLine.conversationId;
      if (typeof id === 'string' && id !== '' && id !== connection.session.conversationId) {
        connection.session = { ...connection.session, conversationId: id };
        storage.save(connection.session);
      }
      return;
    }
    if (status !== EXPIRED_TOKEN && status !== FAILED_TO_CONNECT) return;
    storage.clear();
    if (resuming && !connection.online) {
      // The kept conversation cannot be resumed (token expired, server restarted, conversation gone): a new one.
      setTimeout(() => start(false), 0);
      return;
    }
    const text = connection.online ? 'Sambungan ke asisten terputus.' : 'Maaf, asisten tidak dapat dihubungi saat ini.';
    showStatus(text, connection.online ? 'Mulai percakapan baru' : 'Coba lagi', () => start(false));
  }

  function scheduleRefresh(connection) {
    const remaining = connection.session.expiresAt - Date.now();
    const delay = Math.max(5_000, Math.min(remaining / 2, remaining - SAFETY_MS));
    clearTimeout(connection.timer);
    connection.timer = setTimeout(() => refresh(connection), delay);
  }

  async function refresh(connection) {
    if (connection !== current) return;
    try {
      const body = await post(`${config.domain}/tokens/refresh`, connection.session.token);
      if (connection !== current) return;
      connection.session = sessionFrom(body, connection.session);
      storage.save(connection.session);
      // DirectLineJS refreshes its own copy only every 15 minutes: give it the newest token now.
      if (typeof connection.directLine.token === 'string') connection.directLine.token = connection.session.token;
      scheduleRefresh(connection);
    } catch (error) {
      if (connection !== current) return;
      // 401/403/404: the token or conversation is gone; DirectLineJS reports that through connectionStatus$.
      if (error?.status === 401 || error?.status === 403 || error?.status === 404) return;
      clearTimeout(connection.timer);
      connection.timer = setTimeout(() => refresh(connection), 30_000); // offline for a moment: try again
    }
  }

  // A tab that slept (laptop lid, background tab) may have missed its refresh: catch up when it is seen again.
  document.addEventListener('visibilitychange', () => {
    const connection = current;
    if (document.visibilityState !== 'visible' || !connection) return;
    if (connection.session.expiresAt - Date.now() < SAFETY_MS * 5) refresh(connection);
  });

  function showStatus(text, actionLabel, action) {
    if (!statusBar) return;
    const message = document.createElement('span');
    message.textContent = text;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = actionLabel;
    button.addEventListener('click', () => {
      hideStatus();
      action();
    });
    statusBar.replaceChildren(message, button);
    statusBar.hidden = false;
  }

  function hideStatus() {
    if (!statusBar) return;
    statusBar.hidden = true;
    statusBar.replaceChildren();
  }

  start(true);
})();
