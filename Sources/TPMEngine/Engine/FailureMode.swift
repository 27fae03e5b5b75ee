// SPDX-License-Identifier: Apache-2.0

import TPMWire

extension TPMEngine {
    /// The answer of a TPM in failure mode — Part 1, 36.6: GetTestResult reports the failure, GetCapability
    /// still answers for TPM properties, everything else gets TPM_RC_FAILURE.
    func failureModeResponse(_ command: [UInt8]) -> [UInt8] {
        guard let header = CommandHeader(peeking: command), header.tag == .noSessions,
            header.commandSize == command.count
        else {
            return ResponseHeader.errorResponse(.failure)
        }
        var writer = TPMWriter()
        switch header.commandCode {
        case .getTestResult:
            GetTestResult.Response(outData: .empty, testResult: .failure).marshal(into: &writer)
        case .getCapability:
            var reader = TPMReader(command)
            guard (try? reader.skip(CommandHeader.size)) != nil,
                let capability = try? TPMCap(unmarshalling: &reader), capability == .tpmProperties,
                let property = try? reader.readInteger(as: UInt32.self),
                let count = try? reader.readInteger(as: UInt32.self)
            else { return ResponseHeader.errorResponse(.failure) }
            let (list, more) = tpmProperties(
                startingAt: property, limit: min(Int(count), TPMLTaggedTPMProperty.maxCount))
            guard let properties = try? TPMLTaggedTPMProperty(list) else {
                return ResponseHeader.errorResponse(.failure)
            }
            GetCapability.Response(moreData: more, capabilityData: .tpmProperties(properties)).marshal(into: &writer)
        default:
            return ResponseHeader.errorResponse(.failure)
        }
        var response = ResponseHeader(tag: .noSessions, responseSize: UInt32(10 + writer.count), responseCode: .success)
            .marshalled()
        response += writer.bytes
        return response
    }
}
