import { randomBytes } from 'crypto';
import { describeResponseCache } from '../helpers/cache-suite';

// Shared by every instance: the same behaviour, through the Redis server the machine runs.
describeResponseCache('in Redis', () => ({
  RESPONSE_CACHE: 'on',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `test-${randomBytes(6).toString('hex')}`,
}));
