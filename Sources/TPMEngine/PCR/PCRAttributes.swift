// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Per-PCR rules of the PC Client platform profile (TCG PC Client Platform TPM Profile, Table "PCR
/// attributes"), as libtpms and therefore swtpm apply them.
struct PCRAttributes: Sendable {
    /// Saved by Shutdown(STATE) and restored by a Resume.
    let stateSave: Bool
    /// Bit n set: TPM2_PCR_Reset is allowed at locality n.
    let resetLocalities: UInt8
    /// Bit n set: TPM2_PCR_Extend and TPM2_PCR_Event are allowed at locality n.
    let extendLocalities: UInt8

    static let count = 24
    static let lastIndex = count - 1

    static let table: [PCRAttributes] =
        Array(repeating: PCRAttributes(stateSave: true, resetLocalities: 0x00, extendLocalities: 0x1F), count: 16) + [
            PCRAttributes(stateSave: false, resetLocalities: 0x0F, extendLocalities: 0x1F),  // 16 debug
            PCRAttributes(stateSave: false, resetLocalities: 0x10, extendLocalities: 0x1C),  // 17 DRTM, locality 4
            PCRAttributes(stateSave: false, resetLocalities: 0x10, extendLocalities: 0x1C),  // 18 locality 3
            PCRAttributes(stateSave: false, resetLocalities: 0x10, extendLocalities: 0x0C),  // 19 locality 2
            PCRAttributes(stateSave: false, resetLocalities: 0x14, extendLocalities: 0x0E),  // 20 locality 1
            PCRAttributes(stateSave: false, resetLocalities: 0x14, extendLocalities: 0x04),  // 21 dynamic OS
            PCRAttributes(stateSave: false, resetLocalities: 0x14, extendLocalities: 0x04),  // 22 dynamic OS
            PCRAttributes(stateSave: false, resetLocalities: 0x0F, extendLocalities: 0x1F),  // 23 application
        ]

    /// PCR 0 records the startup locality in its last byte (the H-CRTM PCR).
    static let hcrtmIndex = 0

    /// DRTM PCRs start as all ones until a dynamic launch resets them.
    var startsAsOnes: Bool { resetLocalities & 0x10 != 0 }

    /// PCRs whose changes do not advance pcrCounter (libtpms PC Client choice: 16 and 21–23).
    static func isInNoIncrementGroup(_ pcr: Int) -> Bool { pcr == 16 || (21...23).contains(pcr) }

    /// PCRs 20–22 form the single policy and authValue groups.
    static func isInAuthGroup(_ pcr: Int) -> Bool { (20...22).contains(pcr) }

    func allowsExtend(at locality: UInt8) -> Bool {
        locality < 5 && extendLocalities & (1 << locality) != 0
    }

    /// Locality 4 never resets a PCR through TPM2_PCR_Reset: it uses the DRTM sequence instead.
    func allowsReset(at locality: UInt8) -> Bool {
        locality < 4 && resetLocalities & (1 << locality) != 0
    }
}
