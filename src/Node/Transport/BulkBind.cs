using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// The opening of a bulk stream, which proves it belongs to a session: <c>"p2pbulk1" ‖ dialler PeerId</c>, then one
/// record sealed by the session: <c>"bind" ‖ listener PeerId</c>. The listener reads the prefix, finds the session
/// the dialler opened with it, then checks the record. Naming the listener means a record captured from another
/// session cannot be replayed against this node; the session's replay window rejects a second copy of it.
/// </summary>
internal static class BulkBind
{
    private static readonly byte[] Magic = "p2pbulk1"u8.ToArray();
    private static readonly byte[] Label = "bind"u8.ToArray();

    /// <summary>Longest bind record read; a real one is the label, a PeerId and the AEAD overhead.</summary>
    public const int MaxRecord = 256;

    public static int PrefixLength => Magic.Length + PeerId.ByteLength;

    /// <summary>Writes the prefix and the sealed bind record (dialler side).</summary>
    public static async ValueTask<bool> WriteAsync(BulkStream bulk, PeerId dialler, PeerId listener, SecureSession session, CancellationToken ct)
    {
        var prefix = new byte[PrefixLength];
        Magic.CopyTo(prefix, 0);
        dialler.Bytes.CopyTo(prefix.AsSpan(Magic.Length));
        await bulk.Stream.WriteAsync(prefix, ct);
        var bind = new byte[Label.Length + PeerId.ByteLength];
        Label.CopyTo(bind, 0);
        listener.Bytes.CopyTo(bind.AsSpan(Label.Length));
        return await bulk.SendAsync(session, bind, 0, ct);
    }

    /// <summary>Reads the prefix (listener side): the dialler's PeerId, or null when the stream is not a bulk stream.</summary>
    public static async Task<PeerId?> ReadPrefixAsync(BulkStream bulk, CancellationToken ct)
    {
        var prefix = new byte[PrefixLength];
        await bulk.Stream.ReadExactlyAsync(prefix, ct);
        return prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic) && PeerId.TryFromBytes(prefix.AsSpan(Magic.Length), out var dialler, out _)
            ? dialler
            : null;
    }

    /// <summary>Reads the bind record and checks that the session sealed it and that it names <paramref name="listener"/>.</summary>
    public static async Task<bool> ReadRecordAsync(BulkStream bulk, SecureSession session, PeerId listener, CancellationToken ct)
    {
        var header = new byte[BulkStream.HeaderLength];
        if (await bulk.ReadHeaderAsync(header, ct) is not { } record || record.Length > MaxRecord || record.Length < 0)
            return false;
        var frame = new byte[record.Length];
        await bulk.Stream.ReadExactlyAsync(frame, ct);
        var length = session.PlaintextLength(frame.Length);
        if (length != Label.Length + PeerId.ByteLength)
            return false;
        var plaintext = new byte[length];
        if (session.TryOpen(frame, plaintext) != SessionOpenStatus.Ok)
            return false;
        return plaintext.AsSpan(0, Label.Length).SequenceEqual(Label) && plaintext.AsSpan(Label.Length).SequenceEqual(listener.Bytes);
    }
}
