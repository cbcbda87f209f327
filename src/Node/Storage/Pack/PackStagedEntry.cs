using P2P.Node.Content;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// A record appended to a staging buffer. <see cref="Key"/> is set for a block put through <see cref="PackBlockStore.Put"/>,
/// which is readable from memory until its stage is written and then moves to the index; tombstones and records
/// copied by compaction have no key here (their callers update the index themselves).
/// </summary>
internal readonly record struct PackStagedEntry(Multihash? Key, PackLocation Location);
