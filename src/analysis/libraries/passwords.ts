/**
 * Password-hashing packages: their `compare`/`verify` is a credential check, and their `hash*` sets
 * a password, whatever the receiver is called.
 */
export const PASSWORD_MODULES = new Set([
  'bcrypt',
  'bcryptjs',
  'bcrypt-nodejs',
  'bcrypt-ts',
  'argon2',
  '@node-rs/argon2',
  '@node-rs/bcrypt',
  'scrypt-kdf',
  '@phc/argon2',
  'pbkdf2-passworder',
  'password-hash',
  'hash-wasm',
  '@noble/hashes/scrypt',
  'oslo/password',
  '@oslojs/crypto',
  'secure-password',
]);
