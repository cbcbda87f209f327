using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// One block. The receiver hashes the data and checks it against the CID before using it. Encoded as an array of
/// two bins (<c>[Key(0)] Cid, [Key(1)] Data</c>) by <see cref="BlockMessageFormatter"/>. A decoded block's
/// <see cref="Data"/> is a view of the record it was decoded from, not a copy: valid while that record is held
/// (see <c>InboundMessage.Retain</c>).
/// </summary>
[MessagePackObject]
[MessagePackFormatter(typeof(BlockMessageFormatter))]
public sealed class BlockMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Block;

    /// <summary>The binary CID the data should hash to.</summary>
    [Key(0)]
    public byte[] Cid { get; set; } = [];

    /// <summary>The block, at most <see cref="WireLimits.MaxBlockSize"/> bytes.</summary>
    [Key(1)]
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>True when the record carried nil for the data (refused by <see cref="Validate"/>, as before).</summary>
    [IgnoreMember]
    internal bool DataMissing { get; set; }

    internal override string? Validate() =>
        ValidateCid(Cid) ?? (DataMissing ? "block data missing" : Data.Length > WireLimits.MaxBlockSize ? "block larger than 2 MiB" : null);
}
