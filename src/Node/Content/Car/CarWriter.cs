using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>
/// Writes a CARv1 stream (ipld.io/specs/transport/car/carv1): the header, then one
/// <c>varint(length) CID block</c> section per call. Nothing is buffered beyond one section's prefix, so a
/// writer over an HTTP response or stdout streams a DAG of any size. The writer trusts its caller to pass
/// blocks that match their CIDs (the exporter's block getter has checked them). Not thread-safe; the caller
/// owns the stream.
/// </summary>
public sealed class CarWriter
{
    private readonly Stream _destination;
    private readonly byte[] _prefix = new byte[Varint.MaxLength + 256];
    private bool _headerWritten;

    public CarWriter(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Sections written so far.</summary>
    public int BlocksWritten { get; private set; }

    /// <summary>Writes the header naming <paramref name="roots"/>; must come first, once.</summary>
    public async ValueTask WriteHeaderAsync(IReadOnlyList<Cid> roots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (_headerWritten)
            throw new InvalidOperationException("the CAR header was already written");
        var header = CarHeaderCodec.Encode(roots);
        var n = Varint.Write(_prefix, (ulong)header.Length);
        await _destination.WriteAsync(_prefix.AsMemory(0, n), cancellationToken);
        await _destination.WriteAsync(header, cancellationToken);
        BytesWritten += n + header.Length;
        _headerWritten = true;
    }

    /// <summary>Writes one section.</summary>
    public async ValueTask WriteBlockAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cid);
        if (!_headerWritten)
            throw new InvalidOperationException("write the CAR header first");
        var cidBytes = cid.Bytes;
        var sectionLength = (ulong)cidBytes.Length + (ulong)data.Length;
        var n = Varint.Write(_prefix, sectionLength);
        cidBytes.CopyTo(_prefix.AsSpan(n));
        n += cidBytes.Length;
        await _destination.WriteAsync(_prefix.AsMemory(0, n), cancellationToken);
        await _destination.WriteAsync(data, cancellationToken);
        BytesWritten += n + data.Length;
        BlocksWritten++;
    }
}
