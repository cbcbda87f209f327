using System.Security.Cryptography;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// A hostile node's block store: it claims to hold every block (so want-have gets HAVE and want-block gets a
/// block) and hands out bytes that never match the CID: the real block with a bit flipped when it has one, else
/// filler derived from the CID. The serving side does not re-hash by default (kubo without HashOnRead), so these
/// bytes reach the wire as they are; the receiver's verification is what must catch them.
/// </summary>
public sealed class LyingBlockStore(IBlockStore inner) : IBlockStore
{
    /// <summary>Size of the filler sent for blocks the liar never had.</summary>
    public const int FillerSize = 4096;

    public bool Has(Cid cid) => true;

    public byte[]? Get(Cid cid)
    {
        if (inner.Get(cid) is { Length: > 0 } real)
        {
            var copy = (byte[])real.Clone();
            copy[copy.Length / 2] ^= 0x20;
            return copy;
        }
        var filler = new byte[FillerSize];
        var seed = SHA256.HashData(cid.Bytes);
        for (var i = 0; i < filler.Length; i++)
            filler[i] = (byte)(seed[i % seed.Length] + i);
        return filler;
    }

    public int GetSize(Cid cid) => inner.GetSize(cid) is var size and >= 0 ? size : FillerSize;

    public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

    public bool Delete(Cid cid) => inner.Delete(cid);

    public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

    public void Flush() => inner.Flush();
}
