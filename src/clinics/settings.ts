/** The clinics capability's settings from the environment: one parser for its millisecond values. */
export function wholeMilliseconds(name: string, value: string | undefined, options: { fallback: number; min: number }): number {
  if (value === undefined || value.trim() === '') return options.fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < options.min) {
    throw new Error(`${name} must be a whole number of milliseconds (${options.min} or more), not "${value}".`);
  }
  return ms;
}
