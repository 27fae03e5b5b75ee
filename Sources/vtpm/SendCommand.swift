// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import TPMTransports
import TPMWire

/// `vtpm send`: one raw command, the response in hex and its response code in words.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one raw TPM command (hex) and print the response.",
        discussion: "Example: vtpm send 2421 80010000000c0000017b0008  (GetRandom 8 over the swtpm protocol)"
    )

    @Argument(help: "The TPM's [host:]port.")
    var endpoint: Endpoint

    @Argument(help: "The command, as hex digits (spaces allowed).")
    var command: [String]

    @Option(help: "mssim or swtpm.")
    var `protocol`: WireProtocol = .swtpm

    @Option(help: "Locality (mssim only).")
    var locality: UInt8 = 0

    func run() throws {
        let hex = command.joined().filter { !$0.isWhitespace }
        guard let bytes = Hex.decode(hex) else {
            throw ValidationError("the command must be an even number of hex digits")
        }
        let client = try TPMSocketClient(host: endpoint.host, port: endpoint.port)
        defer { client.close() }
        let response =
            switch self.protocol {
            case .mssim: try client.mssimSend(bytes, locality: locality)
            case .swtpm: try client.swtpmSend(bytes)
            }
        print(Hex.encode(response))
        if response.count >= ResponseHeader.size {
            let code = response[6..<10].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            print(TPMRC(rawValue: code))
        } else {
            print("(no TPM response: the TPM is powered off or the connection closed)")
        }
    }
}

/// `vtpm rc`: the meaning of a response code.
struct ResponseCodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rc", abstract: "Decode a TPM 2.0 response code (e.g. 0x9a2).")

    @Argument(help: "The response code, in hex (0x optional) or decimal.")
    var code: String

    func run() throws {
        let text = code.lowercased()
        let value = text.hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
        guard let value else { throw ValidationError("'\(code)' is not a number") }
        print(TPMRC(rawValue: value))
    }
}

enum Hex {
    static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }

    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
