// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// The table `vtpm xen list` prints: a header, then one row per device, columns padded to the widest cell and
/// separated by two spaces, `-` where xenstore has no value.
///
/// ```
/// DOMAIN  DOMID  DEVID  INSTANCE  STATE
/// guest1  1      0      1         Connected/Connected
/// ```
public enum VTPMDeviceTable {
    public static let header = ["DOMAIN", "DOMID", "DEVID", "INSTANCE", "STATE"]

    /// The rendered lines, without a final newline; only the header when there are no devices.
    public static func render(_ entries: [VTPMDeviceEntry]) -> String {
        let rows = [header] + entries.map(cells)
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(to: widths[column])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Backend state, then frontend state, as the backend's `state` key and the frontend's name them.
    static func cells(_ entry: VTPMDeviceEntry) -> [String] {
        let state = "\(entry.backendState?.description ?? "-")/\(entry.frontendState?.description ?? "-")"
        return [
            entry.name ?? "-", String(entry.address.domid), String(entry.address.devid),
            entry.instance?.description ?? "-", state,
        ]
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
