module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'unit',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
