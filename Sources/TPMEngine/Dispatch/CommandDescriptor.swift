// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// What a handle in a command's handle area must be, and whether it needs authorization —
/// the TPMI type of the handle (Part 2) and its "Auth Role" (Part 3).
public struct HandleSpec: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// TPMI_DH_PCR; `allowNull` for TPMI_DH_PCR+.
        case pcr(allowNull: Bool)
        /// One of the listed permanent handles (TPMI_RH_CLEAR, TPMI_RH_PLATFORM, TPMI_RH_HIERARCHY ...).
        case permanent(allowed: Set<TPMHandle>)
        /// TPMI_DH_OBJECT: a loaded transient (or persistent) object.
        case object
        /// TPMI_DH_OBJECT+: an object or TPM_RH_NULL.
        case objectOrNull
        /// TPMI_DH_ENTITY+: anything with an authValue (hierarchy, object, NV index, PCR) or TPM_RH_NULL.
        case entityOrNull
        /// TPMI_DH_CONTEXT: an object or session (FlushContext takes it as a parameter).
        case context
        /// TPMI_DH_PARENT+: a loaded object or a hierarchy (TPM_RH_NULL included).
        case parent
    }

    /// Part 3's "Auth Role": USER, ADMIN or DUP; `none` for handles used without authorization.
    public enum AuthRole: Hashable, Sendable {
        case none, user, admin, dup
    }

    public let kind: Kind
    public let auth: AuthRole

    public init(_ kind: Kind, auth: AuthRole) {
        self.kind = kind
        self.auth = auth
    }
}

/// ms-tpm's per-command attribute bits, as data.
public struct CommandFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The first command parameter is a TPM2B that a session may encrypt (decrypt attribute).
    public static let decryptCommand = CommandFlags(rawValue: 1 << 0)
    /// The first response parameter is a TPM2B that a session may encrypt (encrypt attribute).
    public static let encryptResponse = CommandFlags(rawValue: 1 << 1)
    /// The command may write NV (TPMA_CC.nv).
    public static let nvWrite = CommandFlags(rawValue: 1 << 2)
    /// The command can flush many contexts (TPMA_CC.extensive).
    public static let extensive = CommandFlags(rawValue: 1 << 3)
    /// The command flushes a context given as a handle (TPMA_CC.flushed).
    public static let flushed = CommandFlags(rawValue: 1 << 4)
    /// Platform authorization also requires physical presence (Part 3, PP commands).
    public static let physicalPresence = CommandFlags(rawValue: 1 << 5)
    /// The command accepts no authorization area at all.
    public static let noSessions = CommandFlags(rawValue: 1 << 6)
    /// The command may run with a trial policy session.
    public static let allowTrial = CommandFlags(rawValue: 1 << 7)
}

/// A command as the dispatcher sees it: its code, handle area, flags and a closure that unmarshals
/// the parameters, runs the handler and marshals the response parameters into the response being built.
///
/// A class, so that looking a command up on every execution costs one reference count, not one per field.
public final class CommandDescriptor: Sendable {
    public let code: TPMCC
    public let handles: [HandleSpec]
    public let flags: CommandFlags
    public let hasResponseHandle: Bool
    let execute:
        @Sendable (inout ParameterReader, CommandInfo, inout TPMEngine, inout TPMWriter) throws(TPMRC) -> TPMHandle?

    init<C: TPMCommand>(_ command: C.Type, responseHandle: Bool = false) {
        precondition(C.handles.count <= HandleArea.capacity, "\(C.code) declares more than three handles")
        code = C.code
        handles = C.handles
        flags = C.flags
        hasResponseHandle = responseHandle
        execute = { parameters, info, engine, writer throws(TPMRC) in
            let request = try C.Request(parameters: &parameters)
            guard parameters.reader.isAtEnd else { throw TPMRC.size }
            let response = try C.run(request, info, &engine)
            response.marshal(into: &writer)
            return response.responseHandle
        }
    }

    /// TPMA_CC for GetCapability(TPM_CAP_COMMANDS).
    public var attributes: TPMACC {
        var flags: TPMACC = []
        if self.flags.contains(.nvWrite) { flags.insert(.nv) }
        if self.flags.contains(.extensive) { flags.insert(.extensive) }
        if self.flags.contains(.flushed) { flags.insert(.flushed) }
        if hasResponseHandle { flags.insert(.rHandle) }
        return TPMACC(commandCode: code, handles: handles.count, flags: flags)
    }
}

/// The commands an engine implements, keyed by code. GetCapability(TPM_CAP_COMMANDS) reads the same
/// table, so the two cannot drift.
public struct CommandTable: Sendable {
    /// Library command codes are dense (0x11F to 0x1A0 in revision 1.59), so the table is an array indexed by
    /// the code's low byte: a lookup on every command costs no hashing.
    private let library: [CommandDescriptor?]
    private let vendor: [TPMCC: CommandDescriptor]
    private static let libraryBase: UInt32 = 0x100
    /// Codes in ascending order, for GetCapability.
    let sortedCodes: [TPMCC]

    init(_ descriptors: [CommandDescriptor]) {
        var library = [CommandDescriptor?](repeating: nil, count: 0x100)
        var vendor: [TPMCC: CommandDescriptor] = [:]
        for descriptor in descriptors {
            let raw = descriptor.code.rawValue
            if raw >= Self.libraryBase && raw < Self.libraryBase + 0x100 {
                library[Int(raw - Self.libraryBase)] = descriptor
            } else {
                vendor[descriptor.code] = descriptor
            }
        }
        self.library = library
        self.vendor = vendor
        self.sortedCodes = (library.compactMap { $0?.code } + vendor.keys).sorted { $0.rawValue < $1.rawValue }
    }

    subscript(code: TPMCC) -> CommandDescriptor? {
        let raw = code.rawValue
        if raw >= Self.libraryBase && raw < Self.libraryBase + 0x100 {
            return library[Int(raw - Self.libraryBase)]
        }
        return vendor[code]
    }

    var descriptors: [CommandDescriptor] { sortedCodes.compactMap { self[$0] } }

    /// Every command this implementation has.
    public static let standard = CommandTable(
        StartupCommands.all + TestingCommands.all + CapabilityCommands.all + RandomCommands.all
            + ClockCommands.all + PCRCommands.all + HashCommands.all + HierarchyCommands.all + ContextCommands.all
            + SessionCommands.all + ObjectCommands.all + PrimaryObjectCommands.all)

    /// The same table without the listed commands (a runtime profile, as libtpms has).
    public func removing(_ codes: Set<TPMCC>) -> CommandTable {
        CommandTable(descriptors.filter { !codes.contains($0.code) })
    }
}
