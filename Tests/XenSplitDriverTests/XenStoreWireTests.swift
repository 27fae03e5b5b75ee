// SPDX-License-Identifier: Apache-2.0

import Foundation
import SystemPackage
import Testing

@testable import XenSplitDriver

/// xs_wire framing and replies, byte for byte, and the durable file's checks.
@Suite("xs_wire and the xenstore file")
struct XenStoreWireTests {
    @Test("a header is four little-endian u32s: type, request id, transaction id, length")
    func headerLayout() {
        let message = XenStoreMessage(
            type: .read, requestID: 0x0102_0304, transactionID: 7, payload: Array("/a\0".utf8))
        #expect(
            message.encoded() == [2, 0, 0, 0, 4, 3, 2, 1, 7, 0, 0, 0, 3, 0, 0, 0, 0x2F, 0x61, 0])
        #expect(XenStoreMessage(decoding: message.encoded()) == message)
    }

    @Test("replies keep type, request and transaction ids; errors carry the errno name and a NUL")
    func replies() throws {
        let store = XenStore()
        let handler = XenStoreRequestHandler(store: store, connection: store.connect { _, _ in })
        let missing = handler.handle(XenStoreMessage(type: .read, requestID: 9, payload: Array("/nope\0".utf8)))
        #expect(missing == [XenStoreMessage(type: .error, requestID: 9, payload: Array("ENOENT\0".utf8))])
        let write = handler.handle(XenStoreMessage(type: .write, payload: Array("/a\0va\0lue".utf8)))
        #expect(write == [XenStoreMessage(type: .write, payload: Array("OK\0".utf8))])
        #expect(try store.read(XenStorePath("/a"), caller: 0) == Array("va\0lue".utf8), "values are raw bytes")
        let start = handler.handle(XenStoreMessage(type: .transactionStart, payload: [0]))
        #expect(start.count == 1 && start[0].type == .transactionStart && start[0].payload.last == 0)
        let busy = handler.handle(XenStoreMessage(type: .transactionStart, transactionID: 5, payload: [0]))
        #expect(busy.first?.payload == Array("EBUSY\0".utf8))
        let watch = handler.handle(XenStoreMessage(type: .watch, payload: Array("/a\0tok\0".utf8)))
        #expect(
            watch == [
                XenStoreMessage(type: .watch, payload: Array("OK\0".utf8)),
                XenStoreMessage(type: .watchEvent, payload: Array("/a\0tok\0".utf8)),
            ])
        #expect(
            handler.handle(XenStoreMessage(type: .getDomainPath, payload: Array("7\0".utf8)))
                == [XenStoreMessage(type: .getDomainPath, payload: Array("/local/domain/7\0".utf8))])
        #expect(
            handler.handle(XenStoreMessage(type: .read, payload: Array("/a".utf8))).first?.payload
                == Array("EINVAL\0".utf8), "an unterminated path")
        #expect(
            handler.handle(XenStoreMessage(type: XenStoreMessageType(rawValue: 99), payload: [])).first?.payload
                == Array("EINVAL\0".utf8))
    }

    @Test("the durable tree round-trips; a damaged file is refused with its path")
    func file() throws {
        var tree = XenStoreTree()
        try tree.write(XenStorePath("/local/domain/0/backend/vtpm/1/0/instance"), Array("3".utf8), caller: 0)
        try tree.setPermissions(XenStorePath("/local/domain/0/backend"), [XenStorePermission(.read, 1)], caller: 0)
        let bytes = XenStoreFile.encode(tree)
        #expect(try XenStoreFile.decode(bytes) == tree)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vtpm-xsfile-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = XenStoreFile(directory: FilePath(directory))
        #expect(try file.load() == nil)
        try file.save(tree)
        #expect(try file.load() == tree)
        var damaged = bytes
        damaged[20] ^= 1
        try Data(damaged).write(to: URL(fileURLWithPath: file.path.string))
        let error = #expect(throws: XenStoreFileError.self) { try file.load() }
        #expect(error?.description.contains(file.path.string) == true)
    }
}
