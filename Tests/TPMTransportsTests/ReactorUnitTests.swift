// SPDX-License-Identifier: Apache-2.0

import Testing

@testable import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

@Suite("input buffer")
struct InputBufferTests {
    @Test("peeks big-endian integers only where bytes are readable")
    func peek() {
        var buffer = InputBuffer(bytes: [0, 0, 0, 8, 2, 0xAB, 0xCD])
        #expect(buffer.getInteger(at: 0, as: UInt32.self) == 8)
        #expect(buffer.getInteger(at: 5, as: UInt16.self) == 0xABCD)
        #expect(buffer.getInteger(at: 4, as: UInt32.self) == nil)
        buffer.moveReaderIndex(forwardBy: 4)
        #expect(buffer.getInteger(at: 0, as: UInt32.self) == nil)
        #expect(buffer.getInteger(at: 4, as: UInt8.self) == 2)
    }

    @Test("reads consume; a short read consumes nothing")
    func read() {
        var buffer = InputBuffer(bytes: [1, 2, 3, 4, 5])
        #expect(buffer.readBytes(length: 6) == nil)
        #expect(buffer.readBytes(length: 2) == [1, 2])
        #expect(buffer.readableBytes == 3)
        #expect(buffer.readBytes(length: 3) == [3, 4, 5])
        #expect(buffer.readableBytes == 0)
    }

    @Test("discarding read bytes moves the unread ones to the front and frees the tail")
    func discard() {
        var buffer = InputBuffer(capacity: 8)
        buffer.writeBytes([1, 2, 3, 4, 5, 6])
        buffer.moveReaderIndex(forwardBy: 4)
        #expect(buffer.writableBytes == 2)
        buffer.discardReadBytes()
        #expect(buffer.readerIndex == 0 && buffer.writerIndex == 2 && buffer.writableBytes == 6)
        #expect(buffer.readBytes(length: 2) == [5, 6])
    }

    @Test("a fill writes into the free tail only")
    func append() {
        var buffer = InputBuffer(capacity: 4)
        buffer.writeBytes([9])
        let written = buffer.append { storage, free in
            #expect(free == 1..<4)
            for index in free { storage[index] = UInt8(index) }
            return free.count
        }
        #expect(written == 3)
        #expect(buffer.readBytes(length: 4) == [9, 1, 2, 3])
    }
}

@Suite("deadline heap")
struct DeadlineHeapTests {
    @Test("pops due entries earliest first, and nothing before it is due")
    func order() {
        var heap = DeadlineHeap()
        for (token, deadline) in [(1, 50), (2, 10), (3, 30), (4, 10), (5, 40)] {
            heap.insert(.init(deadline: UInt64(deadline), token: UInt64(token), sequence: 0))
        }
        #expect(heap.earliest == 10)
        #expect(heap.popDue(at: 5) == nil)
        var popped: [UInt64] = []
        while let entry = heap.popDue(at: 40) { popped.append(entry.token) }
        #expect(Set(popped.prefix(2)) == [2, 4])
        #expect(Array(popped.dropFirst(2)) == [3, 5])
        #expect(heap.popDue(at: 1000)?.token == 1)
        #expect(heap.isEmpty)
    }
}

@Suite("socket writer")
struct SocketWriterTests {
    /// A connected, non-blocking Unix stream pair with a small send buffer on the first end.
    static func pair() throws -> (writer: Descriptor, reader: RawSocket) {
        var descriptors: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &descriptors) == 0 else {
            throw TransportError(.ioFailed, "socketpair()")
        }
        var size: Int32 = 4096
        setsockopt(descriptors[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let flags = fcntl(descriptors[1], F_GETFL)
        _ = fcntl(descriptors[1], F_SETFL, flags & ~O_NONBLOCK)
        return (Descriptor(rawValue: descriptors[0]), RawSocket(adopting: descriptors[1]))
    }

    @Test("what the kernel does not take waits, in order, and a flush sends it")
    func partialWrites() throws {
        let (descriptor, peer) = try Self.pair()
        defer {
            descriptor.close()
            peer.close()
        }
        var writer = SocketWriter(descriptor: descriptor)
        let first = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        writer.send(first)
        #expect(writer.hasPending)
        writer.sendFramed([7, 7, 7])
        writer.send([1, 2])
        var received: [UInt8] = []
        while writer.hasPending {
            received += peer.receiveSome()
            #expect(writer.flush() != .failed)
        }
        received += peer.receive(first.count + 13 - received.count)
        #expect(received == first + [0, 0, 0, 3, 7, 7, 7, 0, 0, 0, 0, 1, 2])
        #expect(writer.failure == nil)
    }

    @Test("a write to a vanished peer fails, and nothing is sent after it")
    func failure() throws {
        let (descriptor, peer) = try Self.pair()
        defer { descriptor.close() }
        peer.close()
        var writer = SocketWriter(descriptor: descriptor)
        writer.send([1, 2, 3])
        #expect(writer.failure == EPIPE)
        writer.send([4])
        #expect(!writer.hasPending)
    }
}
