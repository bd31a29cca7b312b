/**
 * Clinic adaptations, the write side: the rules every write follows (rules.ts, checks.ts), the
 * Document Service middleware that applies them and records the basis (middleware.ts, basis.ts), the
 * admin's raw body check (body.ts), slugs carried over a rename of what an adaptation names (renames.ts), and the confirm of the drift workflow (`confirmAdaptation`).
 */
export { adaptationBodyIssues } from './body';
export { adaptationWritesMiddleware } from './middleware';
export { adaptationRenameSubscriber } from './renames';
export { adaptationPairSubscriber } from './pairs';
export { confirmAdaptation, fingerprint, canonicalJson, plainText, type Basis, type BasisEntry, type ConfirmedBasis } from './basis';
export { ADAPTATION_FIELDS, OVERRIDE_FIELDS, adaptationFieldIssues, adaptationTarget, vettedMessage, type AdaptationTarget } from './rules';
