import { resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { KNOWLEDGE_FILE } from '../support/buildBot.ts';

const GUID = '0f4c3a9e-6a51-4a39-9a0e-6a2b8b7c1d23';

/** The configuration error for an environment that must be rejected. */
function rejected(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ KNOWLEDGE_FILE, ...env });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    if (err instanceof ConfigError) return err;
  }
  expect.fail(`the configuration ${JSON.stringify(env)} was accepted but should have been rejected`);
}

describe('loadConfig()', () => {
  it('works with defaults on a fresh machine', () => {
    // The default knowledge file is relative to the working directory (the project root, where mocha runs).
    const config = loadConfig({});
    expect(config.port).to.equal(3978);
    expect(config.logLevel).to.equal('info');
    expect(config.supportEmail).to.equal('support@wowrack.co.id');
    expect(config.knowledgeFile).to.equal(resolve('knowledge/faq.yaml'));
    expect(config.dataDir).to.equal(resolve('data'));
    expect(config.bot).to.deep.equal({ appType: 'MultiTenant', appId: '', appPassword: '', tenantId: '' });
  });

  it('reads and normalises given values', () => {
    const config = loadConfig({
      PORT: ' 8080 ',
      LOG_LEVEL: 'DEBUG',
      SUPPORT_EMAIL: 'privacy@example.co.id',
      KNOWLEDGE_FILE,
      MicrosoftAppId: GUID,
      MicrosoftAppPassword: 'secret',
    });
    expect(config.port).to.equal(8080);
    expect(config.logLevel).to.equal('debug');
    expect(config.supportEmail).to.equal('privacy@example.co.id');
    expect(config.knowledgeFile).to.equal(KNOWLEDGE_FILE);
    expect(config.bot).to.include({ appId: GUID, appPassword: 'secret', appType: 'MultiTenant' });
  });

  it('accepts PORT=0 (any free port)', () => {
    expect(loadConfig({ PORT: '0', KNOWLEDGE_FILE }).port).to.equal(0);
  });

  it('accepts a user-assigned managed identity without password', () => {
    const config = loadConfig({
      KNOWLEDGE_FILE,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: GUID,
      MicrosoftAppTenantId: 'tenant',
    });
    expect(config.bot.appType).to.equal('UserAssignedMSI');
  });

  const bad: readonly [string, Record<string, string>, string][] = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['PORT=70000', { PORT: '70000' }, 'PORT'],
    ['PORT=-1', { PORT: '-1' }, 'PORT'],
    ['PORT=80.5', { PORT: '80.5' }, 'PORT'],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['MicrosoftAppType=foo', { MicrosoftAppType: 'foo' }, 'MicrosoftAppType'],
    ['MicrosoftAppId without password', { MicrosoftAppId: GUID }, 'MicrosoftAppPassword'],
    ['MicrosoftAppPassword without id', { MicrosoftAppPassword: 'secret' }, 'MicrosoftAppId'],
    ['MicrosoftAppId that is not a GUID', { MicrosoftAppId: 'my-bot', MicrosoftAppPassword: 'x' }, 'MicrosoftAppId'],
    [
      'SingleTenant without tenant id',
      { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: GUID, MicrosoftAppPassword: 'x' },
      'MicrosoftAppTenantId',
    ],
    ['SUPPORT_EMAIL=support', { SUPPORT_EMAIL: 'support' }, 'SUPPORT_EMAIL'],
    ['SUPPORT_EMAIL with two @', { SUPPORT_EMAIL: 'a@b@wowrack.co.id' }, 'SUPPORT_EMAIL'],
    ['KNOWLEDGE_FILE missing', { KNOWLEDGE_FILE: '/nonexistent/faq.yaml' }, 'KNOWLEDGE_FILE'],
  ];
  for (const [name, env, variable] of bad)
    it(`rejects ${name}, naming ${variable}`, () => {
      const err = rejected(env);
      expect(err.problems).to.have.length(1);
      expect(err.problems[0]).to.include(variable);
      expect(err.message).to.include(variable);
    });

  it('shows the bad value in the message', () => {
    expect(rejected({ PORT: 'abc' }).message).to.include('"abc"');
    expect(rejected({ KNOWLEDGE_FILE: '/nonexistent/faq.yaml' }).message).to.include('/nonexistent/faq.yaml');
  });

  it('lists several problems together', () => {
    const err = rejected({ PORT: 'abc', LOG_LEVEL: 'loud', SUPPORT_EMAIL: 'nope', MicrosoftAppType: 'foo' });
    expect(err.problems).to.have.length(4);
    for (const variable of ['PORT', 'LOG_LEVEL', 'SUPPORT_EMAIL', 'MicrosoftAppType'])
      expect(err.message).to.include(variable);
    expect(err.message.split('\n').filter((l) => l.startsWith('  - '))).to.have.length(4);
  });

  it('never puts the app password in an error message', () => {
    const err = rejected({ MicrosoftAppPassword: 'hunter2-secret' });
    expect(err.message).not.to.include('hunter2-secret');
  });
});

describe('loadConfig(): website chat', () => {
  it('defaults: embeddable only by itself, built-in Direct Line, the Azure endpoint, no proxy trusted', () => {
    expect(loadConfig({ KNOWLEDGE_FILE }).webChat).to.deep.equal({
      frameAncestors: ["'self'"],
      directLineSecret: '',
      directLineEndpoint: 'https://directline.botframework.com/v3/directline',
      trustProxy: false,
    });
  });

  it("reads FRAME_ANCESTORS as space-separated origins, with 'self', * and wildcard subdomains", () => {
    const config = loadConfig({
      KNOWLEDGE_FILE,
      FRAME_ANCESTORS: "  'self'   https://www.wowrack.co.id\thttps://*.wowrack.co.id http://localhost:8080 ",
    });
    expect(config.webChat.frameAncestors).to.deep.equal([
      "'self'",
      'https://www.wowrack.co.id',
      'https://*.wowrack.co.id',
      'http://localhost:8080',
    ]);
    expect(loadConfig({ KNOWLEDGE_FILE, FRAME_ANCESTORS: '*' }).webChat.frameAncestors).to.deep.equal(['*']);
    expect(loadConfig({ KNOWLEDGE_FILE, FRAME_ANCESTORS: "'none'" }).webChat.frameAncestors).to.deep.equal(["'none'"]);
  });

  for (const value of [
    'selff',
    'www.wowrack.co.id', // no scheme
    'https://www.wowrack.co.id/', // a path
    'https://www.wowrack.co.id/chat',
    'ftp://www.wowrack.co.id',
    'https://www.wowrack.co.id:99999',
    'https://wowrack.co.id;script-src',
    "'unsafe-inline'",
    "'none' https://www.wowrack.co.id",
  ])
    it(`rejects FRAME_ANCESTORS=${value} with a message naming the variable and the value`, () => {
      const err = rejected({ FRAME_ANCESTORS: value });
      expect(err.problems.length).to.be.greaterThan(0);
      expect(err.message).to.include('FRAME_ANCESTORS');
      if (!value.startsWith("'none' ")) expect(err.message).to.include(`"${value}"`);
    });

  it('names every bad FRAME_ANCESTORS entry and explains the expected form', () => {
    const err = rejected({ FRAME_ANCESTORS: "'self' wowrack.co.id https://ok.example https://bad.example/x" });
    expect(err.problems).to.have.length(2);
    expect(err.message).to.include('"wowrack.co.id"').and.to.include('"https://bad.example/x"');
    expect(err.message).to.include('https://www.wowrack.co.id');
  });

  it('reads DIRECT_LINE_SECRET and DIRECT_LINE_ENDPOINT (trailing slash dropped; http only for loopback)', () => {
    const config = loadConfig({
      KNOWLEDGE_FILE,
      DIRECT_LINE_SECRET: 'AbC123.def-456_ghi.jkl789mno',
      DIRECT_LINE_ENDPOINT: 'https://europe.directline.botframework.com/v3/directline/',
      TRUST_PROXY: 'true',
    });
    expect(config.webChat).to.deep.include({
      directLineSecret: 'AbC123.def-456_ghi.jkl789mno',
      directLineEndpoint: 'https://europe.directline.botframework.com/v3/directline',
      trustProxy: true,
    });
    const local = loadConfig({ KNOWLEDGE_FILE, DIRECT_LINE_ENDPOINT: 'http://127.0.0.1:9999/v3/directline' });
    expect(local.webChat.directLineEndpoint).to.equal('http://127.0.0.1:9999/v3/directline');
  });

  for (const [name, env, variable] of [
    [
      'an http DIRECT_LINE_ENDPOINT elsewhere',
      { DIRECT_LINE_ENDPOINT: 'http://directline.example/v3' },
      'DIRECT_LINE_ENDPOINT',
    ],
    ['a DIRECT_LINE_ENDPOINT that is no URL', { DIRECT_LINE_ENDPOINT: 'directline' }, 'DIRECT_LINE_ENDPOINT'],
    [
      'a DIRECT_LINE_ENDPOINT with a query',
      { DIRECT_LINE_ENDPOINT: 'https://d.example/v3?x=1' },
      'DIRECT_LINE_ENDPOINT',
    ],
    ['TRUST_PROXY=maybe', { TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
  ] as const)
    it(`rejects ${name}`, () => {
      const err = rejected(env);
      expect(err.problems).to.have.length(1);
      expect(err.message).to.include(variable);
    });

  it('never puts the Direct Line secret (or credentials in the endpoint) in an error message', () => {
    const secret = 'sec ret with spaces-0123456789abcdef';
    const err = rejected({ DIRECT_LINE_SECRET: secret, PORT: 'abc' });
    expect(err.message).to.include('DIRECT_LINE_SECRET');
    expect(err.message).not.to.include(secret);
    expect(err.message).not.to.include('0123456789abcdef');
    const short = rejected({ DIRECT_LINE_SECRET: 'tooShort' });
    expect(short.message).not.to.include('tooShort');
    const withPassword = rejected({ DIRECT_LINE_ENDPOINT: 'https://user:hunter2@d.example/v3' });
    expect(withPassword.message).to.include('DIRECT_LINE_ENDPOINT');
    expect(withPassword.message).not.to.include('hunter2');
  });

  it('MAIL_FROM: a plain address (the default) or one with a display name', () => {
    expect(loadConfig({ KNOWLEDGE_FILE }).mail.from).to.equal('privacy-assistant@wowrack.co.id');
    for (const from of [
      'privacy@wowrack.co.id',
      'Wowrack Privacy <privacy@wowrack.co.id>',
      '"Wowrack Privacy" <privacy@wowrack.co.id>',
      'Asisten Privasi Wowrack (Indonesia) <privacy@wowrack.co.id>',
    ])
      expect(loadConfig({ KNOWLEDGE_FILE, MAIL_FROM: from }).mail.from, from).to.equal(from);
  });

  for (const from of [
    'privacy',
    'Wowrack Privacy <privacy@wowrack>',
    'Wowrack Privacy <privacy@wowrack.co.id',
    'Wowrack Privacy <privacy@wowrack.co.id>, Eve <eve@evil.example>',
    'Wowrack\r\nBcc: eve@evil.example <privacy@wowrack.co.id>',
    'support@bank.example <privacy@wowrack.co.id>',
    '<privacy@wowrack.co.id>',
  ])
    it(`rejects MAIL_FROM=${JSON.stringify(from)}, naming MAIL_FROM and the expected form`, () => {
      const err = rejected({ MAIL_FROM: from });
      expect(err.problems).to.have.length(1);
      expect(err.problems[0]).to.include('MAIL_FROM').and.include('Wowrack Privacy <privacy@wowrack.co.id>');
    });
  it('DELETION_DUE_DAYS and QUESTION_DUE_HOURS: 14 days and 72 hours by default, whole numbers when set', () => {
    expect(loadConfig({ KNOWLEDGE_FILE }).deadlines).to.deep.equal({ deletionDueDays: 14, questionDueHours: 72 });
    expect(loadConfig({ KNOWLEDGE_FILE, DELETION_DUE_DAYS: ' 30 ', QUESTION_DUE_HOURS: '24' }).deadlines).to.deep.equal(
      {
        deletionDueDays: 30,
        questionDueHours: 24,
      },
    );
  });

  for (const [name, value] of [
    ['DELETION_DUE_DAYS', '0'],
    ['DELETION_DUE_DAYS', '1.5'],
    ['DELETION_DUE_DAYS', '366'],
    ['QUESTION_DUE_HOURS', '0'],
    ['QUESTION_DUE_HOURS', 'soon'],
    ['QUESTION_DUE_HOURS', '721'],
  ] as const)
    it(`rejects ${name}=${value}, naming the variable and its range`, () => {
      const err = rejected({ [name]: value });
      expect(err.problems).to.have.length(1);
      expect(err.problems[0]).to.include(name).and.include(`"${value}"`);
    });
  it('DATABASE_URL: empty by default (the embedded store); a postgres:// URL selects PostgreSQL', () => {
    expect(loadConfig({ KNOWLEDGE_FILE }).database).to.deep.equal({ url: '', poolSize: 10 });
    const url = 'postgres://assistant:s3cret@db.internal:5432/assistant';
    expect(loadConfig({ KNOWLEDGE_FILE, DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }).database).to.deep.equal({
      url,
      poolSize: 20,
    });
    expect(loadConfig({ KNOWLEDGE_FILE, DATABASE_URL: 'postgresql://a@h/db' }).database.url).to.equal(
      'postgresql://a@h/db',
    );
  });

  for (const url of ['mysql://a:s3cret@h/db', 'postgres://a:s3cret@h', 'postgres:///db', 'not a url s3cret'])
    it(`rejects DATABASE_URL=${url} without repeating it (it may carry a password)`, () => {
      const err = rejected({ DATABASE_URL: url });
      expect(err.problems).to.have.length(1);
      expect(err.problems[0]).to.include('DATABASE_URL').and.include('postgres://user:password@host');
      expect(err.message).not.to.include('s3cret');
    });

  it('rejects DATABASE_POOL_SIZE outside 1 to 100', () => {
    expect(rejected({ DATABASE_POOL_SIZE: '0' }).problems[0]).to.include('DATABASE_POOL_SIZE');
    expect(rejected({ DATABASE_POOL_SIZE: '101' }).problems[0]).to.include('DATABASE_POOL_SIZE');
  });
});
