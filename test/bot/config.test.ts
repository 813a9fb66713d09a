import { resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { KNOWLEDGE_FILE } from '../helpers/buildBot.ts';

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
