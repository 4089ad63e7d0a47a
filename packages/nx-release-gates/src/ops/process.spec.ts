import { childEnvironment } from './process';

describe('childEnvironment', () => {
  it("lays the given variables over this process's by default", () => {
    expect(childEnvironment({ env: { A: '1' } })).toEqual({ env: { A: '1' }, extendEnv: true });
    expect(childEnvironment({})).toEqual({ env: undefined, extendEnv: true });
  });

  it('with replaceEnv, the given environment is the whole of it (nothing of this process is added)', () => {
    expect(childEnvironment({ env: { PATH: '/bin' }, replaceEnv: true })).toEqual({ env: { PATH: '/bin' }, extendEnv: false });
    // No environment given: the program still gets this process's, never an empty one.
    expect(childEnvironment({ replaceEnv: true })).toEqual({ env: undefined, extendEnv: true });
  });
});
