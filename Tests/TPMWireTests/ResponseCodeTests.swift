// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// TPM_RC decorations (Part 2, 6.6): format-1 numbers, base, predicates and descriptions.
@Suite struct ResponseCodeTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let rc: TPMRC
        let raw: UInt32
        let description: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "parameter 1", rc: TPMRC.value.atParameter(1), raw: 0x1C4,
            description: "TPM_RC_VALUE (parameter 1) 0x1c4"),
        Row(
            name: "parameter 15", rc: TPMRC.size.atParameter(15), raw: 0xFD5,
            description: "TPM_RC_SIZE (parameter 15) 0xfd5"),
        Row(name: "handle 1", rc: TPMRC.handle.atHandle(1), raw: 0x18B, description: "TPM_RC_HANDLE (handle 1) 0x18b"),
        Row(name: "handle 7", rc: TPMRC.value.atHandle(7), raw: 0x784, description: "TPM_RC_VALUE (handle 7) 0x784"),
        Row(
            name: "session 1", rc: TPMRC.authFail.atSession(1), raw: 0x98E,
            description: "TPM_RC_AUTH_FAIL (session 1) 0x98e"),
        Row(
            name: "session 3", rc: TPMRC.badAuth.atSession(3), raw: 0xBA2,
            description: "TPM_RC_BAD_AUTH (session 3) 0xba2"),
        Row(name: "format 1 without number", rc: .symmetric, raw: 0x096, description: "TPM_RC_SYMMETRIC 0x96"),
        Row(
            name: "format 0 ignores numbers", rc: TPMRC.initialize.atParameter(1), raw: 0x100,
            description: "TPM_RC_INITIALIZE 0x100"),
        Row(
            name: "warnings ignore numbers", rc: TPMRC.retry.atHandle(1), raw: 0x922,
            description: "TPM_RC_RETRY 0x922"),
        Row(
            name: "first number wins", rc: TPMRC.value.atParameter(1).atParameter(2).atHandle(3), raw: 0x1C4,
            description: "TPM_RC_VALUE (parameter 1) 0x1c4"),
        Row(
            name: "parameter 16 is out of range", rc: TPMRC.value.atParameter(16), raw: 0x084,
            description: "TPM_RC_VALUE 0x84"),
        Row(
            name: "handle 0 is out of range", rc: TPMRC.value.atHandle(0), raw: 0x084,
            description: "TPM_RC_VALUE 0x84"),
        Row(
            name: "session 8 is out of range", rc: TPMRC.value.atSession(8), raw: 0x084,
            description: "TPM_RC_VALUE 0x84"),
        Row(name: "reference H2", rc: .referenceHandle(2), raw: 0x912, description: "TPM_RC_REFERENCE_H2 0x912"),
        Row(name: "unknown code", rc: TPMRC(rawValue: 0x7F), raw: 0x7F, description: "TPM_RC_UNKNOWN 0x7f"),
    ]

    @Test(arguments: rows) func decoration(_ row: Row) {
        #expect(row.rc.rawValue == row.raw)
        #expect(row.rc.description == row.description)
    }

    @Test func baseStripsTheNumber() {
        #expect(TPMRC.value.atParameter(3).base == .value)
        #expect(TPMRC.value.atHandle(2).base == .value)
        #expect(TPMRC.value.atSession(5).base == .value)
        #expect(TPMRC.initialize.base == .initialize)
        #expect(TPMRC.retry.base == .retry)
    }

    @Test func numbersAndPredicates() {
        let parameter = TPMRC.curve.atParameter(4)
        #expect(parameter.parameterNumber == 4)
        #expect(parameter.handleNumber == nil)
        #expect(parameter.sessionNumber == nil)
        let handle = TPMRC.handle.atHandle(2)
        #expect(handle.handleNumber == 2 && handle.parameterNumber == nil && handle.sessionNumber == nil)
        let session = TPMRC.authFail.atSession(6)
        #expect(session.sessionNumber == 6 && session.parameterNumber == nil && session.handleNumber == nil)
        #expect(TPMRC.value.isFormat1)
        #expect(!TPMRC.initialize.isFormat1)
        #expect(TPMRC.retry.isWarning)
        #expect(TPMRC.referenceHandle(0) == .referenceH0)
        #expect(!TPMRC.value.isWarning)
        #expect(!TPMRC.failure.isWarning)
    }
}
