// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// A TPM command's parameters, read field by field through a ``ParameterReader`` so that the
/// pipeline can name the failing parameter in the response code.
protocol CommandRequest: Sendable {
    init(parameters: inout ParameterReader) throws(TPMRC)
}

/// A command's response parameters, and the handle some commands return in the response handle area.
protocol CommandResponse: TPMMarshal, Sendable {
    var responseHandle: TPMHandle? { get }
}

extension CommandResponse {
    var responseHandle: TPMHandle? { nil }
}

/// One TPM 2.0 command (Part 3): its descriptor, typed parameters and handler.
///
/// The pipeline has already resolved and authorized the handles when `run` is called; handlers never see
/// session bytes or raw buffers.
protocol TPMCommand: SendableMetatype {
    associatedtype Request: CommandRequest
    associatedtype Response: CommandResponse
    static var code: TPMCC { get }
    static var handles: [HandleSpec] { get }
    static var flags: CommandFlags { get }
    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response
}

extension TPMCommand {
    static var handles: [HandleSpec] { [] }
    static var flags: CommandFlags { [] }
}

/// An empty parameter area or response.
struct NoParameters: CommandRequest, CommandResponse {
    init() {}
    init(parameters: inout ParameterReader) throws(TPMRC) {}
    func marshal(into writer: inout TPMWriter) {}
}

/// Reads a command's parameters in order, numbering them for format-1 response codes.
///
/// A parameter that fails to unmarshal throws its code tagged with `TPM_RC_P + n`, as ms-tpm's
/// dispatcher does; a handler that rejects a value it has read throws `.atParameter(n)` itself.
struct ParameterReader {
    var reader: TPMReader
    private(set) var number = 0

    init(_ reader: TPMReader) {
        self.reader = reader
    }

    mutating func next<T: TPMUnmarshal>(_ type: T.Type = T.self) throws(TPMRC) -> T {
        number += 1
        do throws(TPMRC) {
            return try T(unmarshalling: &reader)
        } catch {
            throw error.atParameter(number)
        }
    }

    /// Reads a "+" type: its null value becomes `nil`.
    mutating func nextNullable<T: TPMNullable>(_ type: T.Type = T.self) throws(TPMRC) -> T? {
        number += 1
        do throws(TPMRC) {
            return try Optional<T>.unmarshalNullable(from: &reader)
        } catch {
            throw error.atParameter(number)
        }
    }

    /// Reads a parameter with a custom decoder (for values whose checks depend on earlier parameters).
    mutating func next<T>(_ decode: (inout TPMReader) throws(TPMRC) -> T) throws(TPMRC) -> T {
        number += 1
        do throws(TPMRC) {
            return try decode(&reader)
        } catch {
            throw error.atParameter(number)
        }
    }
}

/// What a handler learns about the command besides its parameters.
struct CommandInfo {
    let code: TPMCC
    let tag: TPMST
    /// The handle area, validated and resolved, in order.
    let handles: HandleArea
    let locality: UInt8
}
