// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// One direction of an event channel: a pipe. The receiving port blocks in `read(2)` on the read end (the whole
/// wait is one system call); every party that may wake it gets a write end of its own.
///
/// "Of its own" matters: file-status flags such as O_NONBLOCK belong to an open file, which `dup` and
/// SCM_RIGHTS share. Each writer therefore gets a separate open file of the pipe (``openWriter()`` reopens it
/// through /proc), always non-blocking, so a guest that changes the flags of its end, or fills the pipe, can
/// neither make another party's `write` block nor, holding no read end, swallow a wake-up meant for someone
/// else. A full pipe simply means a wake-up is pending.
///
/// Unsafe pointers appear only as the address of a local buffer handed to read(2)/write(2) with its size.
public final class EventPipe: @unchecked Sendable {
    /// The receiver's end (the hypervisor keeps this copy to drain it and to open writers).
    public let readEnd: Int32
    /// The hypervisor's own writer (EVTCHNOP_send through the hypervisor).
    let writer: EventPipeEnd

    public init() throws(XenError) {
        var fds: (Int32, Int32) = (-1, -1)
        let result = withUnsafeMutableBytes(of: &fds) { raw in
            cvtpm_channel_pipe(raw.baseAddress!.assumingMemoryBound(to: Int32.self))
        }
        guard result == 0 else { throw XenError(.systemCall, "pipe failed", errno: errno) }
        readEnd = fds.0
        writer = EventPipeEnd(adopting: fds.1)
    }

    deinit { close(readEnd) }

    /// A new descriptor of the read end (shares its open file: only the receiver gets one).
    func duplicateReader() throws(XenError) -> Int32 { try duplicate(readEnd) }

    /// A separate, non-blocking open file of the write end, for one writer alone.
    func openWriter() throws(XenError) -> Int32 {
        let descriptor = open("/proc/self/fd/\(readEnd)", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw XenError(.systemCall, "cannot open a pipe's write end", errno: errno) }
        return descriptor
    }

    /// Consumes pending wake-ups without blocking (no one else reads the read end before its port is bound).
    func drain() {
        while cvtpm_wait_readable(readEnd, -1, 0) > 0 {
            var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
            guard read(readEnd, &scratch, 64) > 0 else { return }
        }
    }
}

/// One end of an ``EventPipe`` held by a port: a read end to wait on, or a write end to ring.
public final class EventPipeEnd: @unchecked Sendable {
    public let descriptor: Int32

    public init(adopting descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// On a write end: one wake-up for the reader (a full pipe already has one pending).
    public func ring() {
        var byte: UInt8 = 1
        while write(descriptor, &byte, 1) < 0, errno == EINTR {}
    }

    /// On a read end: blocks until at least one wake-up is pending and consumes what is there (up to 64).
    public func wait() {
        var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        while read(descriptor, &scratch, 64) < 0, errno == EINTR {}
    }

    /// On a read end: like ``wait()``, giving up after `milliseconds` (false: nothing came).
    public func wait(milliseconds: Int32) -> Bool {
        while true {
            let ready = cvtpm_wait_readable(descriptor, -1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return false }
            wait()
            return true
        }
    }
}
