import { buildArgs, buildError, dryRunTag, judgeProbe } from './containers';

describe('container engines', () => {
  it('counts docker only with a reachable daemon', () => {
    expect(judgeProbe('docker', { exitCode: 1, stdout: '\n', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.', notFound: false })).toEqual({
      engine: 'docker',
      usable: false,
      note: 'daemon not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock.)',
    });
    expect(judgeProbe('docker', { exitCode: 0, stdout: '28.2.2\n', stderr: '', notFound: false }).usable).toBe(true);
    expect(judgeProbe('podman', { exitCode: 127, stdout: '', stderr: '', notFound: true })).toMatchObject({ usable: false, note: 'not installed' });
  });
  it('builds with vfs storage and chroot isolation under buildah', () => {
    expect(buildArgs('buildah', '/c/Dockerfile', '/c', 't:1')).toEqual(['--storage-driver', 'vfs', 'build', '--isolation', 'chroot', '-f', '/c/Dockerfile', '-t', 't:1', '/c']);
    expect(buildArgs('docker', '/c/Dockerfile', '/c', 't:1')).toEqual(['build', '-f', '/c/Dockerfile', '-t', 't:1', '/c']);
  });
  it('makes valid image tags and finds the failing line', () => {
    expect(dryRunTag('My_Tool', '1.0.0+build.1')).toBe('nx-release-gates-dry-run/my_tool:1.0.0-build.1');
    expect(buildError('STEP 1/2: FROM scratch\nSTEP 2/2: RUN /bin/false\nerror building at STEP "RUN /bin/false": exit status 1\n')).toBe(
      'error building at STEP "RUN /bin/false": exit status 1',
    );
  });
});
