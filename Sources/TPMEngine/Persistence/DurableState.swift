// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Everything an instance must find again after a power loss: the permanent state and, after
/// Shutdown(STATE), the saved state. The manager stores ``serialized()`` in the instance's state file.
///
/// The encoding is a list of records `tag (u16) || length (u32) || value`. A reader skips records it does
/// not know, and a new field always gets a new tag, so state written by an older version keeps loading
/// (libtpms' "future versions append below this line", made explicit).
public struct DurableState: Hashable, Sendable {
    public var permanent: PermanentState
    public var savedState: SavedState?

    public init(permanent: PermanentState, savedState: SavedState?) {
        self.permanent = permanent
        self.savedState = savedState
    }

    enum Tag: UInt16 {
        case seeds = 1
        case hierarchyAuth = 2
        case pcrAllocation = 3
        case counters = 4
        case dictionaryAttack = 5
        case flags = 6
        case savedState = 7
        case persistentObjects = 8
    }

    public func serialized() -> [UInt8] {
        var writer = TPMWriter(capacity: 1024)
        let p = permanent
        record(.seeds, &writer) { w in
            for value in [
                p.endorsementSeed, p.storageSeed, p.platformSeed, p.endorsementProof, p.storageProof, p.platformProof,
            ] {
                w.writeSizedBytes(value)
            }
        }
        record(.hierarchyAuth, &writer) { w in
            for auth in [p.ownerAuth, p.endorsementAuth, p.lockoutAuth] { auth.marshal(into: &w) }
            for policy in [p.ownerPolicy, p.endorsementPolicy, p.lockoutPolicy] { policy.marshal(into: &w) }
        }
        record(.pcrAllocation, &writer) { w in
            (try? TPMLPCRSelection(p.pcrAllocation))?.marshal(into: &w)
        }
        record(.counters, &writer) { w in
            w.writeInteger(p.resetCount)
            w.writeInteger(p.totalResetCount)
            w.writeInteger(p.clock)
            w.writeInteger(p.orderlyState.rawValue)
        }
        record(.dictionaryAttack, &writer) { w in
            let da = p.dictionaryAttack
            for value in [da.failedTries, da.maxTries, da.recoveryTime, da.lockoutRecovery] { w.writeInteger(value) }
            da.lockoutAuthEnabled.marshal(into: &w)
        }
        record(.flags, &writer) { w in
            p.disableClear.marshal(into: &w)
            w.writeInteger(UInt32(p.ppCommands.count))
            for code in p.ppCommands.sorted(by: { $0.rawValue < $1.rawValue }) { code.marshal(into: &w) }
        }
        if let saved = savedState {
            record(.savedState, &writer) { w in saved.marshal(into: &w) }
        }
        if !p.persistentObjects.isEmpty {
            record(.persistentObjects, &writer) { w in
                w.writeInteger(UInt32(p.persistentObjects.count))
                for handle in p.persistentObjects.keys.sorted() {
                    handle.marshal(into: &w)
                    p.persistentObjects[handle]?.marshal(into: &w)
                }
            }
        }
        return writer.bytes
    }

    private func record(_ tag: Tag, _ writer: inout TPMWriter, _ body: (inout TPMWriter) -> Void) {
        var value = TPMWriter()
        body(&value)
        writer.writeInteger(tag.rawValue)
        writer.writeInteger(UInt32(value.count))
        writer.writeBytes(value.bytes)
    }

    /// Decodes serialized state; throws ``DurableStateError`` naming what is wrong.
    public init(serialized bytes: [UInt8]) throws(DurableStateError) {
        var records: [UInt16: TPMReader] = [:]
        var reader = TPMReader(bytes)
        do throws(TPMRC) {
            while !reader.isAtEnd {
                let tag = try reader.readInteger(as: UInt16.self)
                let length = Int(try reader.readInteger(as: UInt32.self))
                records[tag] = try reader.readSubReader(count: length)
            }
        } catch {
            throw DurableStateError("record framing is damaged at byte \(reader.index)")
        }
        func required(_ tag: Tag) throws(DurableStateError) -> TPMReader {
            guard let record = records[tag.rawValue] else { throw DurableStateError("record \(tag) is missing") }
            return record
        }
        func decode<T>(_ tag: Tag, _ body: (inout TPMReader) throws(TPMRC) -> T) throws(DurableStateError) -> T {
            var record = try required(tag)
            do throws(TPMRC) {
                return try body(&record)
            } catch {
                throw DurableStateError("record \(tag) is malformed (\(error))")
            }
        }

        let seeds = try decode(.seeds) { r throws(TPMRC) in
            try (0..<6).map { _ throws(TPMRC) in try r.readSizedBytes() }
        }
        var permanent = PermanentState(
            endorsementSeed: seeds[0], storageSeed: seeds[1], platformSeed: seeds[2],
            endorsementProof: seeds[3], storageProof: seeds[4], platformProof: seeds[5],
            pcrAllocation: try decode(.pcrAllocation) { r throws(TPMRC) in
                try TPMLPCRSelection(unmarshalling: &r).elements
            })
        try decode(.hierarchyAuth) { r throws(TPMRC) in
            permanent.ownerAuth = try TPM2BAuth(unmarshalling: &r)
            permanent.endorsementAuth = try TPM2BAuth(unmarshalling: &r)
            permanent.lockoutAuth = try TPM2BAuth(unmarshalling: &r)
            permanent.ownerPolicy = try HierarchyPolicy(unmarshalling: &r)
            permanent.endorsementPolicy = try HierarchyPolicy(unmarshalling: &r)
            permanent.lockoutPolicy = try HierarchyPolicy(unmarshalling: &r)
        }
        try decode(.counters) { r throws(TPMRC) in
            permanent.resetCount = try r.readInteger()
            permanent.totalResetCount = try r.readInteger()
            permanent.clock = try r.readInteger()
            permanent.orderlyState = OrderlyState(rawValue: try r.readInteger())
        }
        try decode(.dictionaryAttack) { r throws(TPMRC) in
            permanent.dictionaryAttack.failedTries = try r.readInteger()
            permanent.dictionaryAttack.maxTries = try r.readInteger()
            permanent.dictionaryAttack.recoveryTime = try r.readInteger()
            permanent.dictionaryAttack.lockoutRecovery = try r.readInteger()
            permanent.dictionaryAttack.lockoutAuthEnabled = try Bool(unmarshalling: &r)
        }
        try decode(.flags) { r throws(TPMRC) in
            permanent.disableClear = try Bool(unmarshalling: &r)
            let count = try r.readInteger(as: UInt32.self)
            guard count <= 1024 else { throw TPMRC.size }
            permanent.ppCommands = Set(try (0..<count).map { _ throws(TPMRC) in try TPMCC(unmarshalling: &r) })
        }
        if records[Tag.persistentObjects.rawValue] != nil {
            permanent.persistentObjects = try decode(.persistentObjects) { r throws(TPMRC) in
                let count = try r.readInteger(as: UInt32.self)
                guard count <= UInt32(ObjectTable.persistentCapacity) else { throw TPMRC.size }
                var objects: [TPMHandle: PersistentObject] = [:]
                for _ in 0..<count {
                    let handle = try TPMHandle(unmarshalling: &r)
                    guard handle.type == .persistent else { throw TPMRC.handle }
                    objects[handle] = try PersistentObject(unmarshalling: &r)
                }
                return objects
            }
            for (handle, object) in permanent.persistentObjects {
                do throws(TPMRC) {
                    _ = try object.loaded()
                } catch {
                    throw DurableStateError("persistent object \(handle) does not make a key (\(error))")
                }
            }
        }
        guard permanent.pcrAllocation.count == TPMIAlgHash.implemented.count else {
            throw DurableStateError("the PCR allocation does not list every implemented bank")
        }
        self.permanent = permanent
        self.savedState =
            records[Tag.savedState.rawValue] == nil
            ? nil : try decode(.savedState) { r throws(TPMRC) in try SavedState(unmarshalling: &r) }
    }
}

/// Why durable state could not be decoded.
public struct DurableStateError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

// MARK: - Encodings of the state parts

extension TPMWriter {
    /// A u16-length-prefixed byte string (seeds, proofs and other values without a TPM2B type).
    mutating func writeSizedBytes(_ bytes: [UInt8]) {
        writeInteger(UInt16(bytes.count))
        writeBytes(bytes)
    }
}

extension TPMReader {
    mutating func readSizedBytes() throws(TPMRC) -> [UInt8] {
        try readBytes(count: Int(try readInteger(as: UInt16.self)))
    }
}

extension HierarchyPolicy: TPMCodable {
    public func marshal(into writer: inout TPMWriter) {
        hashAlg.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hashAlg = try Optional<TPMIAlgHash>.unmarshalNullable(from: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}

extension StateClearData: TPMCodable {
    public func marshal(into writer: inout TPMWriter) {
        for flag in [shEnable, ehEnable, phEnableNV] { flag.marshal(into: &writer) }
        platformAuth.marshal(into: &writer)
        platformPolicy.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        self.init()
        shEnable = try Bool(unmarshalling: &reader)
        ehEnable = try Bool(unmarshalling: &reader)
        phEnableNV = try Bool(unmarshalling: &reader)
        platformAuth = try TPM2BAuth(unmarshalling: &reader)
        platformPolicy = try HierarchyPolicy(unmarshalling: &reader)
    }
}

extension StateResetData: TPMCodable {
    public func marshal(into writer: inout TPMWriter) {
        writer.writeSizedBytes(nullSeed)
        writer.writeSizedBytes(nullProof)
        writer.writeInteger(clearCount)
        writer.writeInteger(restartCount)
        writer.writeInteger(pcrCounter)
        writer.writeInteger(objectContextID)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        self.init(nullSeed: try reader.readSizedBytes(), nullProof: try reader.readSizedBytes())
        clearCount = try reader.readInteger()
        restartCount = try reader.readInteger()
        pcrCounter = try reader.readInteger()
        objectContextID = try reader.readInteger()
    }
}

extension SavedState: TPMCodable {
    public func marshal(into writer: inout TPMWriter) {
        stateClear.marshal(into: &writer)
        stateReset.marshal(into: &writer)
        startupLocality3.marshal(into: &writer)
        let banks = pcrValues.keys.sorted { $0.algorithm.rawValue < $1.algorithm.rawValue }
        writer.writeInteger(UInt16(banks.count))
        for hash in banks {
            hash.marshal(into: &writer)
            let values = pcrValues[hash] ?? []
            writer.writeInteger(UInt16(values.count))
            for value in values { writer.writeSizedBytes(value) }
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        stateClear = try StateClearData(unmarshalling: &reader)
        stateReset = try StateResetData(unmarshalling: &reader)
        startupLocality3 = try Bool(unmarshalling: &reader)
        var values: [TPMIAlgHash: [[UInt8]]] = [:]
        let bankCount = try reader.readInteger(as: UInt16.self)
        for _ in 0..<bankCount {
            let hash = try TPMIAlgHash(unmarshalling: &reader)
            let count = try reader.readInteger(as: UInt16.self)
            guard count <= PCRAttributes.count else { throw .size }
            values[hash] = try (0..<count).map { _ throws(TPMRC) in
                let value = try reader.readSizedBytes()
                guard value.count == hash.digestSize else { throw TPMRC.size }
                return value
            }
        }
        pcrValues = values
    }
}

// MARK: - Engine entry points

extension TPMEngine {
    /// The state to store; see ``durableStateChanged``. Clock is included at its current value.
    public func durableState() -> DurableState {
        var permanent = self.permanent
        permanent.clock = clock
        return DurableState(permanent: permanent, savedState: savedState)
    }

    /// Powers on a TPM from stored state (_TPM_Init follows, as at any power-on).
    public init(restoring state: DurableState, platform: any TPMPlatform, commandTable: CommandTable = .standard) {
        self.init(
            permanent: state.permanent, savedState: state.savedState, platform: platform, commandTable: commandTable)
    }
}
