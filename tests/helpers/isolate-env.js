/**
 * Keeps a developer's .env out of the tests: Strapi reads ENV_PATH when it is first required, and a
 * missing file means nothing is loaded. Each test sets the variables it needs (tests/helpers/strapi.ts).
 */
const path = require('path');

process.env.ENV_PATH = path.join(__dirname, 'no-such.env');
