// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Logging

/// `--log-level`: swift-log's levels by name (a wrapper, so that no retroactive conformance is needed).
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
