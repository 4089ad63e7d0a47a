import * as crypto from 'node:crypto';
import { ed25519KeyFrom, keyIdOf, signVouched, statementOf, verifyReplay, Vouched, withDependents } from './replay-trust';

const trusted = crypto.generateKeyPairSync('ed25519');
const other = crypto.generateKeyPairSync('ed25519');
const vouched: Vouched = {
  taskHash: 'task-1',
  files: { 'dist/release-gates/app/gate-build.json': 'a'.repeat(64), 'dist/release-gates/app/bin/app': 'b'.repeat(64) },
};

describe('verifyReplay', () => {
  it('trusts outputs signed by the trusted key for this task hash, byte for byte', () => {
    expect(verifyReplay(vouched, signVouched(vouched, trusted.privateKey), trusted.publicKey)).toEqual({ trusted: true });
  });

  it('does not trust a missing or unreadable signature', () => {
    expect(verifyReplay(vouched, null, trusted.publicKey)).toEqual({ trusted: false, why: 'no signature' });
    expect(verifyReplay(vouched, { version: 1 }, trusted.publicKey).trusted).toBe(false);
  });

  it('does not trust another key, also when the signature claims the trusted key id', () => {
    const signed = signVouched(vouched, other.privateKey);
    expect(verifyReplay(vouched, signed, trusted.publicKey)).toEqual({ trusted: false, why: expect.stringContaining('signed by another key') });
    const forged = { ...signed, keyId: keyIdOf(trusted.publicKey) };
    expect(verifyReplay(vouched, forged, trusted.publicKey)).toEqual({ trusted: false, why: 'its signature does not verify with the trusted key' });
  });

  it('does not trust a tampered result', () => {
    const onDisk = { ...vouched, files: { ...vouched.files, 'dist/release-gates/app/gate-build.json': 'c'.repeat(64) } };
    expect(verifyReplay(onDisk, signVouched(vouched, trusted.privateKey), trusted.publicKey)).toEqual({
      trusted: false,
      why: 'dist/release-gates/app/gate-build.json changed after it was signed',
    });
  });

  it('does not trust a tampered, added or missing artifact', () => {
    const signed = signVouched(vouched, trusted.privateKey);
    const changed = { ...vouched, files: { ...vouched.files, 'dist/release-gates/app/bin/app': 'd'.repeat(64) } };
    expect(verifyReplay(changed, signed, trusted.publicKey).trusted).toBe(false);
    const added = { ...vouched, files: { ...vouched.files, 'dist/release-gates/app/bin/extra': 'e'.repeat(64) } };
    expect(verifyReplay(added, signed, trusted.publicKey)).toEqual({ trusted: false, why: 'dist/release-gates/app/bin/extra is not among the files it signed' });
    const { ['dist/release-gates/app/bin/app']: _gone, ...rest } = vouched.files;
    expect(verifyReplay({ ...vouched, files: rest }, signed, trusted.publicKey)).toEqual({ trusted: false, why: 'dist/release-gates/app/bin/app was signed but is missing' });
  });

  it('does not trust a signature whose file list was edited to match the tampered bytes', () => {
    const onDisk = { ...vouched, files: { ...vouched.files, 'dist/release-gates/app/bin/app': 'f'.repeat(64) } };
    const edited = { ...signVouched(vouched, trusted.privateKey), files: onDisk.files };
    expect(verifyReplay(onDisk, edited, trusted.publicKey)).toEqual({ trusted: false, why: 'its signature does not verify with the trusted key' });
  });

  it('does not trust outputs signed for another task hash', () => {
    const signed = signVouched({ ...vouched, taskHash: 'task-0' }, trusted.privateKey);
    expect(verifyReplay(vouched, signed, trusted.publicKey)).toEqual({ trusted: false, why: "signed for another task hash (task-0, this run's: task-1)" });
    expect(verifyReplay(vouched, { ...signed, taskHash: 'task-1' }, trusted.publicKey).trusted).toBe(false);
  });
});

describe('statementOf', () => {
  it('does not depend on the order the files were listed in', () => {
    const reversed = { taskHash: vouched.taskHash, files: Object.fromEntries(Object.entries(vouched.files).reverse()) };
    expect(statementOf(reversed).equals(statementOf(vouched))).toBe(true);
  });
});

describe('ed25519KeyFrom', () => {
  const pem = (key: crypto.KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

  it('reads PEM keys of the wanted kind', () => {
    expect(keyIdOf(ed25519KeyFrom(pem(trusted.publicKey), 'public'))).toBe(keyIdOf(trusted.privateKey));
    expect(ed25519KeyFrom(pem(trusted.privateKey), 'private').type).toBe('private');
  });

  it('refuses text that is not a key, and keys of another algorithm, in one line', () => {
    expect(() => ed25519KeyFrom('hello', 'public')).toThrow(/^not a PEM public key/);
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => ed25519KeyFrom(pem(ec.publicKey), 'public')).toThrow('a ec key, not ed25519');
  });
});

describe('withDependents', () => {
  const graph: Record<string, string[]> = { 'gate-size': ['gate-build'], 'gate-version': ['gate-size'], 'gate-test': [] };
  const dependsOn = (gate: string) => graph[gate] ?? [];

  it('adds every gate of the run that reads an untrusted gate’s outputs, also through another gate', () => {
    expect(withDependents(['gate-build'], ['gate-build', 'gate-test', 'gate-size', 'gate-version'], dependsOn)).toEqual(['gate-build', 'gate-size', 'gate-version']);
  });

  it('re-runs only the untrusted gate when nothing depends on it', () => {
    expect(withDependents(['gate-test'], ['gate-build', 'gate-test', 'gate-size'], dependsOn)).toEqual(['gate-test']);
  });
});
