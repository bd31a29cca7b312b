import { describeResponseCache } from '../helpers/cache-suite';

describeResponseCache('in this process', () => ({ RESPONSE_CACHE: 'on' }));
