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
