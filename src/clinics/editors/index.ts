/**
 * Clinic editors: the "Clinic editor" admin role and its conditions (role.ts), the link from an editor
 * to their clinics (links.ts: the clinic's `editors` field), and the checks that hold them to those
 * clinics where the content manager does not (checks.ts, applied by the Document Service middleware
 * and the admin's raw body check), and the guard on their e-mail address (email-guard.ts).
 */
export { clinicEditorBodyCheck } from './body';
export { ClinicEditorRefusal, type EditorRefusalCode } from './checks';
export { guardClinicEditorEmails } from './email-guard';
export { CLINIC_EDITOR_ROLE, EDITORS_FIELD, clinicsOfUser, editorEmails, isClinicEditor, normalizedEmail, type AdminUserLike } from './links';
export { clinicEditorWritesMiddleware } from './middleware';
export { CONDITIONS, CONTACT_FIELDS, clinicEditorPermissions, ensureClinicEditorRole, registerClinicEditorConditions, type RoleOutcome } from './role';
