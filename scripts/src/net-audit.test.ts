import { describe, expect, it } from 'vitest';
import { beyondLoopback, destinations, failedAttempts } from './net-audit.js';

const LOG = [
  '4101  connect(21, {sa_family=AF_INET, sin_port=htons(37017), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  '4102  connect(22, {sa_family=AF_INET6, sin6_port=htons(4000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)',
  '4103  connect(5, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)',
  '4104  connect(7, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("169.254.169.254")}, 16) = -1 EINPROGRESS (Operation now in progress)',
  '4105  sendto(9, "\\x12", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 1',
  '4106  connect(3, {sa_family=AF_INET, sin_port=htons(4222), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
  '4107  connect(18, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 EADDRNOTAVAIL (Cannot assign requested address)',
  '4108  connect(24, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16 <unfinished ...>',
  '4101  connect(22, {sa_family=AF_INET, sin_port=htons(4001), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  '4108  <... connect resumed>)            = 0',
  '4109  connect(30, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("10.1.2.3")}, 16 <unfinished ...>',
  '4109  <... connect resumed>)            = -1 ENETUNREACH (Network is unreachable)',
].join('\n');

describe('network audit', () => {
  it('reads IPv4 and IPv6 destinations, joins interrupted calls and ignores Unix sockets', () => {
    expect(destinations(LOG).map((d) => `${d.address}:${d.port}`)).toEqual([
      '127.0.0.1:37017',
      '::1:4000',
      '169.254.169.254:80',
      '2001:db8::1:53',
      '127.0.0.53:4222',
      '2001:4860:4860::8888:443',
      '127.0.0.1:4001',
      '10.255.255.53:53',
      '10.1.2.3:443',
    ]);
  });

  it('flags every call beyond loopback that succeeded or is in progress', () => {
    expect(beyondLoopback(LOG).map((d) => [d.pid, d.address])).toEqual([
      [4104, '169.254.169.254'],
      [4105, '2001:db8::1'],
      [4108, '10.255.255.53'],
    ]);
  });

  it('lists failed attempts separately: they opened nothing', () => {
    expect(failedAttempts(LOG).map((d) => d.address)).toEqual(['2001:4860:4860::8888', '10.1.2.3']);
  });
});
