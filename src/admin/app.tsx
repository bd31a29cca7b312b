/**
 * Admin panel customisation. The content manager checks uid fields (our slugs) in the browser with a
 * bare pattern and yup's default message ("slug must match the following: /^[A-Za-z0-9-_.~]*$/");
 * editors get the same sentence the server gives instead (src/content-validation/rules.ts). Only uid
 * fields use yup's default `matches` message; every other pattern check in the admin brings its own.
 */
import { setLocale } from 'yup';

export default {
  config: {
    locales: [],
  },
  bootstrap() {
    setLocale({
      string: {
        matches: '${path} must be lowercase-kebab: lowercase letters and digits separated by single hyphens (e.g. "back-pain")',
      },
    });
  },
};
