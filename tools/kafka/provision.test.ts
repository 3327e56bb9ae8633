import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BROKER_POM, kafkaVersion, LOG4J2_CONFIG, PERF_POM, parseJavaVersion } from './provision.ts';

test('the pinned Kafka version is a 4.1.x release', () => {
  assert.match(kafkaVersion(), /^4\.1\.\d+$/);
});

test('the broker pom brings an slf4j 1.x binding matching the pinned slf4j-api', () => {
  const pom = readFileSync(BROKER_POM, 'utf8');
  assert.match(pom, /<packaging>pom<\/packaging>/);
  assert.match(pom, /<artifactId>kafka_2\.13<\/artifactId>/);
  assert.match(pom, /<slf4j\.version>1\.7\.\d+<\/slf4j\.version>/);
  assert.match(pom, /<artifactId>log4j-slf4j-impl<\/artifactId>/);
  assert.doesNotMatch(pom, /log4j-slf4j2-impl/);
});

test('the perf pom inherits the version from the broker pom', () => {
  const pom = readFileSync(PERF_POM, 'utf8');
  assert.match(pom, /<relativePath>\.\.\/pom\.xml<\/relativePath>/);
  assert.match(pom, /<artifactId>kafka-tools<\/artifactId>\s*<version>\$\{kafka\.version\}<\/version>/);
});

test('the log4j2 config writes server.log into kafka.logs.dir', () => {
  assert.ok(existsSync(LOG4J2_CONFIG));
  assert.match(readFileSync(LOG4J2_CONFIG, 'utf8'), /\$\{sys:kafka\.logs\.dir\}\/server\.log/);
});

test('java -version output is parsed for old and new version schemes', () => {
  assert.deepEqual(
    parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6)'),
    { major: 17, version: '17.0.15' },
  );
  assert.deepEqual(parseJavaVersion('openjdk version "21" 2023-09-19'), { major: 21, version: '21' });
  assert.deepEqual(parseJavaVersion('java version "1.8.0_392"'), { major: 8, version: '1.8.0_392' });
  assert.equal(parseJavaVersion('bash: java: command not found'), undefined);
});
