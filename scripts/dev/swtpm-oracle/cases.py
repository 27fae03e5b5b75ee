# SPDX-License-Identifier: Apache-2.0
"""Command sequence for the swtpm oracle, run in order on a TPM that is powered on but not started.

Each case: (name, compare, bytes). compare is "exact" (whole response equal), "shape" (same tag,
size and response code: random numbers differ between two TPMs) or "clock" (a ReadClock response equal
but for Time and Clock). Two control steps exist: ("...", "init", None) sends swtpm's CMD_INIT
(_TPM_Init), and ("...", "locality", n) sets the locality of the following commands.
Transient handles stay within libtpms' three slots (0x80000000-2): beyond them libtpms answers
TPM_RC_VALUE, while our TPM has 64 slots and looks the handle up instead.
"""
import struct

NO_SESSIONS, SESSIONS = 0x8001, 0x8002
RS_PW, RH_NULL, RH_OWNER, RH_LOCKOUT, RH_PLATFORM = 0x40000009, 0x40000007, 0x40000001, 0x4000000A, 0x4000000C
SHA1, SHA256, SHA384, SHA512 = 0x0004, 0x000B, 0x000C, 0x000D


def cmd(tag, cc, body=b"", size=None):
    return struct.pack(">HII", tag, 10 + len(body) if size is None else size, cc) + body


def session(password=b"", attrs=0x01, nonce=b"", handle=RS_PW):
    return struct.pack(">IH", handle, len(nonce)) + nonce + bytes([attrs]) + struct.pack(">H", len(password)) + password


def authed(cc, handles, params=b"", sessions=None):
    sessions = [session()] * len(handles) if sessions is None else sessions
    auth = b"".join(sessions)
    body = b"".join(struct.pack(">I", h) for h in handles) + struct.pack(">I", len(auth)) + auth + params
    return cmd(SESSIONS, cc, body)


def selection(*banks):
    return struct.pack(">I", len(banks)) + b"".join(struct.pack(">HB", h, 3) + bits for h, bits in banks)


def digests(*pairs):
    return struct.pack(">I", len(pairs)) + b"".join(struct.pack(">H", h) + d for h, d in pairs)


def cap(capability, prop, count):
    return cmd(NO_SESSIONS, 0x17A, struct.pack(">III", capability, prop, count))


ALL = b"\xff\xff\xff"
BASIC = [
    ("GetRandom before Startup", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x08")),
    ("Startup STATE without Shutdown(STATE)", "exact", cmd(NO_SESSIONS, 0x144, b"\x00\x01")),
    ("Startup bad type", "exact", cmd(NO_SESSIONS, 0x144, b"\x00\x07")),
    ("Startup with sessions tag", "exact", authed(0x144, [], b"\x00\x00")),
    ("Startup CLEAR", "exact", cmd(NO_SESSIONS, 0x144, b"\x00\x00")),
    ("Startup again", "exact", cmd(NO_SESSIONS, 0x144, b"\x00\x00")),
    ("unknown tag value", "exact", cmd(0x1234, 0x17B, b"\x00\x08")),
    ("TPM 1.2 command tag", "exact", cmd(0x00C1, 0x17B, b"\x00\x08")),
    ("TPM_ST_NULL tag", "exact", cmd(0x8000, 0x17B, b"\x00\x08")),
    ("response tag as command tag", "exact", cmd(0x00C4, 0x17B, b"\x00\x08")),
    ("size field too large", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x08", size=14)),
    ("size field too small", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x08", size=10)),
    ("size field huge", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x08", size=0xFFFFFFFF)),
    ("unknown command code", "exact", cmd(NO_SESSIONS, 0x1FF)),
    ("vendor command code", "exact", cmd(NO_SESSIONS, 0x20000000)),
    ("GetRandom 8", "shape", cmd(NO_SESSIONS, 0x17B, b"\x00\x08")),
    ("GetRandom 100 is capped at 64", "shape", cmd(NO_SESSIONS, 0x17B, b"\x00\x64")),
    ("GetRandom 0", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x00")),
    ("GetRandom truncated parameter", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00")),
    ("GetRandom trailing byte", "exact", cmd(NO_SESSIONS, 0x17B, b"\x00\x08\x00")),
    ("PCR_Extend without sessions", "exact", cmd(NO_SESSIONS, 0x182, struct.pack(">II", 16, 0))),
    ("PCR_Extend handle 30", "exact", authed(0x182, [30], struct.pack(">I", 0))),
    ("PCR_Extend TPM_RH_NULL", "exact", authed(0x182, [RH_NULL], digests((SHA256, b"\1" * 32)))),
    ("PCR_Extend 17 at locality 0", "exact", authed(0x182, [17], digests((SHA256, b"\0" * 32)))),
    ("PCR_Extend unknown hash", "exact", authed(0x182, [16], struct.pack(">IH", 1, 0x12) + b"\0" * 32)),
    ("PCR_Extend five digests", "exact", authed(0x182, [16], struct.pack(">I", 5))),
    ("PCR_Extend truncated digest", "exact", authed(0x182, [16], struct.pack(">IH", 1, SHA256) + b"\0" * 31)),
    ("PCR_Extend 16 sha256", "exact", authed(0x182, [16], digests((SHA256, b"\1" * 32)))),
    ("PCR_Extend 16 all banks", "exact", authed(0x182, [16], digests((SHA1, b"\2" * 20), (SHA256, b"\2" * 32),
                                                                       (SHA384, b"\2" * 48), (SHA512, b"\2" * 64)))),
    ("PCR_Extend 23 same bank twice", "exact", authed(0x182, [23], digests((SHA1, b"\3" * 20), (SHA1, b"\4" * 20)))),
    ("PCR_Extend password with nonce", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(nonce=b"\1")])),
    ("PCR_Extend password with encrypt", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(attrs=0x41)])),
    ("PCR_Extend password with audit", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(attrs=0x81)])),
    ("PCR_Extend reserved session bits", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(attrs=0x09)])),
    ("PCR_Extend wrong password", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(password=b"x")])),
    ("PCR_Extend password of zeros", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(password=b"\0\0")])),
    ("PCR_Extend without continueSession", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(attrs=0)])),
    ("authorization size below 9", "exact", cmd(SESSIONS, 0x182, struct.pack(">II", 16, 4) + b"\0" * 4)),
    ("authorization size beyond command", "exact", cmd(SESSIONS, 0x182, struct.pack(">II", 16, 400) + b"\0" * 9)),
    ("session handle of wrong type", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(handle=0x12345678)])),
    ("HMAC session not loaded", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(handle=0x02000000)])),
    ("policy session not loaded", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(handle=0x03000001)])),
    ("four sessions", "exact", authed(0x182, [16], struct.pack(">I", 0), [session()] * 4)),
    ("password session without handle", "exact", authed(0x17B, [], b"\x00\x08", [session()])),
    ("two password sessions for one handle", "exact", authed(0x182, [16], struct.pack(">I", 0), [session()] * 2)),
    ("session nonce oversize", "exact", authed(0x182, [16], struct.pack(">I", 0), [session(nonce=b"\1" * 65)])),
    ("PCR_Read sha256 all", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA256, ALL)))),
    ("PCR_Read two banks all", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA256, ALL), (SHA1, ALL)))),
    ("PCR_Read 16 and 23 in every bank", "exact", cmd(NO_SESSIONS, 0x17E, selection(
        (SHA1, b"\0\0\x81"), (SHA256, b"\0\0\x81"), (SHA384, b"\0\0\x81"), (SHA512, b"\0\0\x81")))),
    ("PCR_Read DRTM PCRs", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA256, b"\0\0\x7e")))),
    ("PCR_Read nothing", "exact", cmd(NO_SESSIONS, 0x17E, selection())),
    ("PCR_Read sizeofSelect 2", "exact", cmd(NO_SESSIONS, 0x17E, struct.pack(">IHB", 1, SHA256, 2) + b"\xff\xff")),
    ("PCR_Read sizeofSelect 4", "exact", cmd(NO_SESSIONS, 0x17E, struct.pack(">IHB", 1, SHA256, 4) + b"\xff" * 4)),
    ("PCR_Read five selections", "exact", cmd(NO_SESSIONS, 0x17E, struct.pack(">I", 5))),
    ("PCR_Read unknown hash", "exact", cmd(NO_SESSIONS, 0x17E, selection((0x0010, ALL)))),
    ("PCR_Reset 0", "exact", authed(0x13D, [0])),
    ("PCR_Reset 16", "exact", authed(0x13D, [16])),
    ("PCR_Reset 17 at locality 0", "exact", authed(0x13D, [17])),
    ("PCR_Reset 23", "exact", authed(0x13D, [23])),
    ("PCR_Reset TPM_RH_NULL", "exact", authed(0x13D, [RH_NULL])),
    ("PCR_Read after resets", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA256, b"\0\0\x81")))),
    ("PCR_Event 16", "exact", authed(0x13C, [16], struct.pack(">H", 5) + b"event")),
    ("PCR_Event TPM_RH_NULL", "exact", authed(0x13C, [RH_NULL], struct.pack(">H", 0))),
    ("PCR_Event 17 at locality 0", "exact", authed(0x13C, [17], struct.pack(">H", 1) + b"x")),
    ("PCR_Event oversize", "exact", authed(0x13C, [16], struct.pack(">H", 1025) + b"x" * 1025)),
    ("PCR_Read after event", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA1, b"\0\0\x01"), (SHA512, b"\0\0\x01")))),
    ("GetCapability unknown capability", "exact", cap(0x99, 0, 1)),
    ("GetCapability vendor capability", "exact", cap(0x100, 0, 1)),
    ("GetCapability PCRS property 1", "exact", cap(5, 1, 1)),
    ("GetCapability PCRS count 0", "exact", cap(5, 0, 0)),
    ("GetCapability PCRS", "exact", cap(5, 0, 1)),
    ("GetCapability handles of bad type", "exact", cap(1, 0x05000000, 10)),
    ("GetCapability PCR handles", "exact", cap(1, 0, 5)),
    ("GetCapability PCR handles from 20", "exact", cap(1, 20, 100)),
    ("GetCapability permanent handles", "exact", cap(1, 0x40000000, 100)),
    ("GetCapability permanent handles from lockout", "exact", cap(1, 0x4000000A, 2)),
    ("GetCapability transient handles", "exact", cap(1, 0x80000000, 100)),
    ("GetCapability PCR properties", "exact", cap(7, 0, 100)),
    ("GetCapability PCR properties from 5", "exact", cap(7, 5, 3)),
    ("GetCapability PCR properties from 0x15", "exact", cap(7, 0x15, 3)),
    ("GetCapability TPM_PT_PCR_COUNT", "exact", cap(6, 0x112, 1)),
    ("GetCapability TPM_PT_INPUT_BUFFER", "exact", cap(6, 0x10D, 1)),
    ("GetCapability TPM_PT_MAX_COMMAND_SIZE", "exact", cap(6, 0x11E, 3)),
    ("GetCapability properties from 0x1ff", "exact", cap(6, 0x1FF, 3)),
    ("GetCapability first variable properties", "exact", cap(6, 0x200, 2)),
    ("GetCapability lockout properties", "exact", cap(6, 0x20E, 4)),
    ("GetCapability properties past variable", "exact", cap(6, 0x300, 2)),
    ("GetCapability properties count 0", "exact", cap(6, 0x100, 0)),
    ("GetCapability SHA-256 algorithm", "exact", cap(0, SHA256, 1)),
    ("GetCapability P-256 curve", "exact", cap(8, 3, 1)),
    ("Hash sha256 abc", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 3) + b"abc" + struct.pack(">HI", SHA256, RH_NULL))),
    ("Hash sha512 empty", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 0) + struct.pack(">HI", SHA512, RH_NULL))),
    ("Hash with TPM_RS_PW hierarchy", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 3) + b"abc" + struct.pack(">HI", SHA256, RS_PW))),
    ("Hash unknown algorithm", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 3) + b"abc" + struct.pack(">HI", 0x10, RH_NULL))),
    ("Hash 1025 bytes", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 1025) + b"a" * 1025 + struct.pack(">HI", SHA256, RH_NULL))),
    ("Hash 1024 bytes", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 1024) + b"a" * 1024 + struct.pack(">HI", SHA384, RH_NULL))),
    ("Hash TPM_GENERATED prefix in owner", "exact", cmd(NO_SESSIONS, 0x17D, struct.pack(">H", 5) + b"\xffTCGx" + struct.pack(">HI", SHA256, RH_OWNER))),
    ("HashSequenceStart event", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">HH", 0, 0x10))),
    ("HashSequenceStart sha1", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">HH", 0, SHA1))),
    ("HashSequenceStart sha256 with auth", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">H", 3) + b"pwd" + struct.pack(">H", SHA256))),
    ("HashSequenceStart unknown hash", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">HH", 0, 0x11))),
    ("SequenceComplete on event sequence", "exact", authed(0x13E, [0x80000000], struct.pack(">HI", 0, RH_NULL))),
    ("SequenceUpdate sha256 wrong password", "exact", authed(0x15C, [0x80000002], struct.pack(">H", 1) + b"x", [session(password=b"no")])),
    ("SequenceUpdate sha256", "exact", authed(0x15C, [0x80000002], struct.pack(">H", 3) + b"abc", [session(password=b"pwd")])),
    ("SequenceComplete sha256", "exact", authed(0x13E, [0x80000002], struct.pack(">H", 3) + b"def" + struct.pack(">I", RH_NULL), [session(password=b"pwd")])),
    ("SequenceComplete flushed sequence", "exact", authed(0x13E, [0x80000002], struct.pack(">HI", 0, RH_NULL))),
    ("SequenceUpdate sha1 empty", "exact", authed(0x15C, [0x80000001], struct.pack(">H", 0))),
    ("SequenceComplete sha1", "exact", authed(0x13E, [0x80000001], struct.pack(">H", 3) + b"abc" + struct.pack(">I", RH_NULL))),
    ("EventSequenceComplete at 17", "exact", authed(0x185, [17, 0x80000000], struct.pack(">H", 0))),
    ("EventSequenceComplete one session", "exact", authed(0x185, [16, 0x80000000], struct.pack(">H", 0), [session()])),
    ("SequenceUpdate event", "exact", authed(0x15C, [0x80000000], struct.pack(">H", 3) + b"abc")),
    ("EventSequenceComplete into 16", "exact", authed(0x185, [16, 0x80000000], struct.pack(">H", 3) + b"def")),
    ("PCR_Read after event sequence", "exact", cmd(NO_SESSIONS, 0x17E, selection((SHA384, b"\0\0\x01")))),
    ("FlushContext empty slot", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", 0x80000002))),
    ("FlushContext permanent handle", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", RH_OWNER))),
    ("FlushContext with sessions", "exact", authed(0x165, [], struct.pack(">I", 0x80000000), [session()])),
    ("HashSequenceStart for flush", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">HH", 0, SHA1))),
    ("FlushContext sequence", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", 0x80000000))),
    ("StirRandom", "exact", cmd(NO_SESSIONS, 0x146, struct.pack(">H", 4) + b"abcd")),
    ("StirRandom oversize", "exact", cmd(NO_SESSIONS, 0x146, struct.pack(">H", 129) + b"a" * 129)),
    ("SelfTest full", "exact", cmd(NO_SESSIONS, 0x143, b"\x01")),
    ("SelfTest bad boolean", "exact", cmd(NO_SESSIONS, 0x143, b"\x02")),
    ("GetTestResult", "exact", cmd(NO_SESSIONS, 0x17C)),
    ("IncrementalSelfTest sha256", "exact", cmd(NO_SESSIONS, 0x142, struct.pack(">IH", 1, SHA256))),
    ("ReadClock", "shape", cmd(NO_SESSIONS, 0x181)),
    ("ClearControl lockout enabling Clear", "exact", authed(0x127, [RH_LOCKOUT], b"\x00")),
    ("ClearControl owner", "exact", authed(0x127, [RH_OWNER], b"\x01")),
    ("ClearControl platform disable", "exact", authed(0x127, [RH_PLATFORM], b"\x01")),
    ("Clear while disabled", "exact", authed(0x126, [RH_LOCKOUT])),
    ("ClearControl platform enable", "exact", authed(0x127, [RH_PLATFORM], b"\x00")),
    ("Clear lockout wrong password", "exact", authed(0x126, [RH_LOCKOUT], b"", [session(password=b"bad")])),
    ("Clear lockout after failure", "exact", authed(0x126, [RH_LOCKOUT])),
    ("Clear platform", "exact", authed(0x126, [RH_PLATFORM])),
    ("GetCapability permanent attributes after Clear", "exact", cap(6, 0x200, 1)),
    ("PCR_Allocate owner", "exact", authed(0x12B, [RH_OWNER], struct.pack(">I", 0))),
    ("PCR_Allocate without PCR 0", "exact", authed(0x12B, [RH_PLATFORM], selection(
        (SHA1, b"\0\0\0"), (SHA256, b"\0\0\0"), (SHA384, b"\0\0\0"), (SHA512, b"\0\0\0")))),
    ("PCR_Allocate sha256 only", "exact", authed(0x12B, [RH_PLATFORM], selection(
        (SHA1, b"\0\0\0"), (SHA256, ALL), (SHA384, b"\0\0\0"), (SHA512, b"\0\0\0")))),
    ("GetCapability PCRS after PCR_Allocate", "exact", cap(5, 0, 1)),
    ("Shutdown STATE after PCR_Allocate", "exact", cmd(NO_SESSIONS, 0x145, b"\x00\x01")),
    ("Shutdown bad type", "exact", cmd(NO_SESSIONS, 0x145, b"\x00\x05")),
    ("Shutdown CLEAR", "exact", cmd(NO_SESSIONS, 0x145, b"\x00\x00")),
    ("GetRandom after Shutdown", "shape", cmd(NO_SESSIONS, 0x17B, b"\x00\x04")),
]


def pcr_read(*banks):
    return cmd(NO_SESSIONS, 0x17E, selection(*banks))


def startup(kind):
    return cmd(NO_SESSIONS, 0x144, struct.pack(">H", kind))


def shutdown(kind):
    return cmd(NO_SESSIONS, 0x145, struct.pack(">H", kind))


CLEAR, STATE = 0, 1
READCLOCK = cmd(NO_SESSIONS, 0x181)
STARTUP_FLAGS = cap(6, 0x200, 2)
PCRS_0_16_17 = (SHA256, b"\x01\x00\x03")

LIFECYCLE = [
    ("Startup CLEAR", "exact", startup(CLEAR)),
    ("ReadClock fresh", "clock", READCLOCK),
    ("permanent and startup flags fresh", "exact", STARTUP_FLAGS),
    ("PCR_Extend 0", "exact", authed(0x182, [0], digests((SHA256, b"\5" * 32)))),
    ("PCR_Extend 16", "exact", authed(0x182, [16], digests((SHA256, b"\6" * 32)))),
    ("HashSequenceStart before power cycle", "exact", cmd(NO_SESSIONS, 0x186, struct.pack(">HH", 0, SHA1))),
    ("Shutdown STATE", "exact", shutdown(STATE)),
    ("_TPM_Init", "init", None),
    ("sequence is gone after _TPM_Init", "exact", authed(0x15C, [0x80000000], struct.pack(">H", 0))),
    ("Startup STATE (resume)", "exact", startup(STATE)),
    ("PCRs after resume", "exact", pcr_read(PCRS_0_16_17)),
    ("ReadClock after resume", "clock", READCLOCK),
    ("startup flags after resume", "exact", STARTUP_FLAGS),
    ("PCR_Extend 0 again", "exact", authed(0x182, [0], digests((SHA256, b"\7" * 32)))),
    ("Shutdown STATE again", "exact", shutdown(STATE)),
    ("PCR_Extend 1 after Shutdown", "exact", authed(0x182, [1], digests((SHA256, b"\7" * 32)))),
    ("_TPM_Init after invalidated shutdown", "init", None),
    ("Startup STATE after invalidated shutdown", "exact", startup(STATE)),
    ("Startup CLEAR (reset)", "exact", startup(CLEAR)),
    ("ReadClock after reset", "clock", READCLOCK),
    ("startup flags after non-orderly", "exact", STARTUP_FLAGS),
    ("Shutdown STATE for restart", "exact", shutdown(STATE)),
    ("_TPM_Init for restart", "init", None),
    ("Startup CLEAR (restart)", "exact", startup(CLEAR)),
    ("PCRs after restart", "exact", pcr_read(PCRS_0_16_17)),
    ("ReadClock after restart", "clock", READCLOCK),
    ("Shutdown CLEAR", "exact", shutdown(CLEAR)),
    ("_TPM_Init without Startup", "init", None),
    ("Startup STATE after Shutdown CLEAR", "exact", startup(STATE)),
    ("locality 1", "locality", 1),
    ("Startup at locality 1", "exact", startup(CLEAR)),
    ("locality 3", "locality", 3),
    ("Startup at locality 3", "exact", startup(CLEAR)),
    ("PCR 0 records locality 3", "exact", pcr_read(PCRS_0_16_17)),
    ("PCR_Extend 17 at locality 3", "exact", authed(0x182, [17], digests((SHA256, b"\1" * 32)))),
    ("PCR_Extend 19 at locality 3", "exact", authed(0x182, [19], digests((SHA256, b"\1" * 32)))),
    ("PCR_Reset 16 at locality 3", "exact", authed(0x13D, [16])),
    ("PCR_Reset 20 at locality 3", "exact", authed(0x13D, [20])),
    ("Shutdown STATE at locality 3", "exact", shutdown(STATE)),
    ("_TPM_Init locality 3", "init", None),
    ("locality 0 for resume", "locality", 0),
    ("Startup STATE from another locality", "exact", startup(STATE)),
    ("locality 3 again", "locality", 3),
    ("Startup STATE at locality 3", "exact", startup(STATE)),
    ("PCRs after locality-3 resume", "exact", pcr_read(PCRS_0_16_17, (SHA1, b"\x00\x00\x0a"))),
    ("locality 2", "locality", 2),
    ("PCR_Extend 21 at locality 2", "exact", authed(0x182, [21], digests((SHA256, b"\2" * 32)))),
    ("PCR_Reset 21 at locality 2", "exact", authed(0x13D, [21])),
    ("PCR_Extend 23 at locality 2", "exact", authed(0x182, [23], digests((SHA256, b"\2" * 32)))),
    ("locality 4", "locality", 4),
    ("PCR_Extend 17 at locality 4", "exact", authed(0x182, [17], digests((SHA256, b"\4" * 32)))),
    ("PCR_Reset 17 at locality 4", "exact", authed(0x13D, [17])),
    ("PCR_Reset 16 at locality 4", "exact", authed(0x13D, [16])),
    ("PCR_Extend 0 at locality 4", "exact", authed(0x182, [0], digests((SHA256, b"\4" * 32)))),
    ("locality 0", "locality", 0),
    ("PCR_Allocate sha256 and sha384", "exact", authed(0x12B, [RH_PLATFORM], selection(
        (SHA1, b"\0\0\0"), (SHA256, ALL), (SHA384, ALL), (SHA512, b"\0\0\0")))),
    ("allocation unchanged before _TPM_Init", "exact", cap(5, 0, 1)),
    ("extend sha1 before _TPM_Init", "exact", authed(0x182, [16], digests((SHA1, b"\1" * 20)))),
    ("Shutdown CLEAR before reallocation", "exact", shutdown(CLEAR)),
    ("_TPM_Init to reallocate", "init", None),
    ("Startup CLEAR with new allocation", "exact", startup(CLEAR)),
    ("allocation after _TPM_Init", "exact", cap(5, 0, 1)),
    ("PCR_Read of a removed bank", "exact", pcr_read((SHA1, ALL), (SHA384, b"\x01\x00\x00"))),
    ("PCR_Extend into removed and kept banks", "exact", authed(0x182, [16], digests((SHA1, b"\1" * 20), (SHA384, b"\1" * 48)))),
    ("PCR_Read after extend into removed bank", "exact", pcr_read((SHA1, b"\0\0\x01"), (SHA384, b"\0\0\x01"))),
    ("PCR_Event with reduced banks", "exact", authed(0x13C, [16], struct.pack(">H", 3) + b"abc")),
]

SEQUENCES = {"basic": BASIC, "lifecycle": LIFECYCLE}


def start_session(nonce=b"\x11" * 16, salt=b"", kind=0x00, symmetric=struct.pack(">H", 0x0010), auth_hash=SHA256,
                  tpm_key=RH_NULL, bind=RH_NULL):
    body = struct.pack(">II", tpm_key, bind) + struct.pack(">H", len(nonce)) + nonce
    body += struct.pack(">H", len(salt)) + salt + bytes([kind]) + symmetric + struct.pack(">H", auth_hash)
    return cmd(NO_SESSIONS, 0x176, body)


HMAC0, HMAC1, POLICY1 = 0x02000000, 0x02000001, 0x03000001
AES128_CFB = struct.pack(">HHH", 0x0006, 128, 0x0043)
AES128_CTR = struct.pack(">HHH", 0x0006, 128, 0x0040)
XOR_SHA256 = struct.pack(">HH", 0x000A, SHA256)
LOADED_SESSIONS = cap(1, 0x02000000, 10)

# Session commands. nonceTPM values are random, so successful starts compare the header and the session
# handle ("prefix14"); everything else is deterministic. Left out until audit and parameter encryption exist:
# sessions with the audit, encrypt or decrypt attribute (libtpms accepts them; we refuse them for now). Also
# left out: the *_AVAIL session counts, since libtpms keeps 3 sessions loaded and we keep all 64.
SESSIONS = [
    ("Startup CLEAR", "exact", startup(CLEAR)),
    ("StartAuthSession nonce too short", "exact", start_session(nonce=b"\x11" * 15)),
    ("StartAuthSession nonce longer than the digest", "exact", start_session(nonce=b"\x11" * 33)),
    ("StartAuthSession salt without a key", "exact", start_session(salt=b"\x01\x02")),
    ("StartAuthSession bad session type", "exact", start_session(kind=0x02)),
    ("StartAuthSession AES in CTR mode", "exact", start_session(symmetric=AES128_CTR)),
    ("StartAuthSession unknown auth hash", "exact", start_session(auth_hash=0x0010)),
    ("StartAuthSession bind to an empty slot", "exact", start_session(bind=0x80000001)),
    ("StartAuthSession tpmKey not loaded", "exact", start_session(tpm_key=0x80000000)),
    ("StartAuthSession bind to a session", "exact", start_session(bind=0x02000000)),
    ("StartAuthSession HMAC", "prefix14", start_session()),
    ("StartAuthSession policy with AES-128-CFB", "prefix14", start_session(kind=0x01, symmetric=AES128_CFB)),
    ("StartAuthSession trial with XOR bound to owner", "prefix14", start_session(kind=0x03, symmetric=XOR_SHA256, bind=RH_OWNER)),
    ("loaded sessions", "exact", LOADED_SESSIONS),
    ("loaded session count", "exact", cap(6, 0x203, 1)),
    ("active session count", "exact", cap(6, 0x205, 1)),
    ("PCR_Extend with a wrong HMAC", "exact", authed(0x182, [16], digests((SHA256, b"\1" * 32)),
                                                     [session(handle=HMAC0, nonce=b"\x22" * 16, password=b"\0" * 32)])),
    ("PCR_Extend with a policy handle for an HMAC session", "exact", authed(
        0x182, [16], digests((SHA256, b"\1" * 32)), [session(handle=0x03000000, nonce=b"\x22" * 16)])),
    ("PCR_Extend with the policy session", "exact", authed(
        0x182, [16], digests((SHA256, b"\1" * 32)), [session(handle=POLICY1, nonce=b"\x22" * 16)])),
    ("PCR_Extend with the trial session", "exact", authed(
        0x182, [16], digests((SHA256, b"\1" * 32)), [session(handle=0x03000002, nonce=b"\x22" * 16)])),
    ("same session twice", "exact", authed(
        0x17B, [], b"\x00\x08", [session(handle=HMAC0, nonce=b"\x22" * 16, attrs=0x20)] * 2)),
    ("FlushContext HMAC session", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", HMAC0))),
    ("FlushContext flushed session", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", HMAC0))),
    ("FlushContext policy session through an HMAC handle", "exact", cmd(NO_SESSIONS, 0x165, struct.pack(">I", HMAC1))),
    ("loaded sessions after flush", "exact", LOADED_SESSIONS),
    ("StartAuthSession reuses the lowest slot", "prefix14", start_session(auth_hash=SHA1, nonce=b"\x11" * 20)),
    ("_TPM_Init drops sessions", "init", None),
    ("Startup CLEAR again", "exact", startup(CLEAR)),
    ("loaded sessions after _TPM_Init", "exact", LOADED_SESSIONS),
]

SEQUENCES["sessions"] = SESSIONS
