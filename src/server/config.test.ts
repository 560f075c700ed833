import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const noJanus = () => undefined;

describe('several nodes (REDIS_URL)', () => {
  it('stops with a clear message when Redis is set over SQLite', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }, noJanus)).toThrow(
      /REDIS_URL: several nodes need one shared PostgreSQL database/,
    );
    expect(() =>
      loadConfig({ REDIS_URL: 'redis://x', DATABASE_URL: 'sqlite:/tmp/t.db' }, noJanus),
    ).toThrow(ConfigError);
  });

  it('takes Redis with PostgreSQL, and names the node', () => {
    const config = loadConfig(
      {
        REDIS_URL: 'redis://127.0.0.1:6379/0',
        DATABASE_URL: 'postgres://localhost/tertulia',
        NODE_ID: 'app-2',
      },
      noJanus,
    );
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(config.nodeId).toBe('app-2');
  });

  it('names a node by host and port by default, and needs no Redis on one machine', () => {
    const config = loadConfig({ PORT: '3007' }, noJanus);
    expect(config.redisUrl).toBeUndefined();
    expect(config.nodeId).toMatch(/:3007$/);
    expect(config.database.kind).toBe('sqlite');
  });

  it('refuses a Redis URL of another scheme and a short metrics token', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://x' }, noJanus)).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' }, noJanus)).toThrow(/METRICS_TOKEN/);
  });
});

describe('calendar replies by mail (INBOUND_SMTP_PORT, REPLY_ADDRESS)', () => {
  it('is off by default', () => {
    expect(loadConfig({}, noJanus).inbound).toBeUndefined();
  });

  it('needs both the port and the address', () => {
    expect(() => loadConfig({ INBOUND_SMTP_PORT: '2525' }, noJanus)).toThrow(/REPLY_ADDRESS/);
    expect(() => loadConfig({ REPLY_ADDRESS: 'replies@example.org' }, noJanus)).toThrow(
      /INBOUND_SMTP_PORT/,
    );
    expect(() =>
      loadConfig({ INBOUND_SMTP_PORT: '2525', REPLY_ADDRESS: 'not an address' }, noJanus),
    ).toThrow(/REPLY_ADDRESS/);
  });

  it('takes them with the limits, the address in lower case', () => {
    const config = loadConfig(
      { INBOUND_SMTP_PORT: '2525', REPLY_ADDRESS: 'Replies@Example.org' },
      noJanus,
    );
    expect(config.inbound).toEqual({
      port: 2525,
      host: '0.0.0.0',
      replyAddress: 'replies@example.org',
      maxBytes: 256 * 1024,
      messagesPerMinute: 30,
    });
  });
});
