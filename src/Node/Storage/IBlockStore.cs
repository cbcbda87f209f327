using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// Where blocks live. Blocks are keyed by their multihash, as kubo's blockstore does since 0.12, so the same
/// bytes named by CIDv0 and by CIDv1 are stored once. Implementations are thread-safe. A store never
/// verifies on read (that costs a hash per block); <see cref="IBlockGetter"/> users and `repo verify` do.
/// </summary>
public interface IBlockStore
{
    bool Has(Cid cid);

    /// <summary>The block's bytes, or null if the store does not hold it.</summary>
    byte[]? Get(Cid cid);

    /// <summary>
    /// The block's bytes lent for one read, or null if the store does not hold it; the caller disposes the buffer once
    /// done with it. A store that reads from files rents the array from a pool (see <see cref="BlockBuffer"/>); the
    /// default just wraps <see cref="Get"/>.
    /// </summary>
    BlockBuffer? GetBuffer(Cid cid) => Get(cid) is { } data ? BlockBuffer.Of(data) : null;

    /// <summary>The block's size in bytes, or -1 if the store does not hold it.</summary>
    int GetSize(Cid cid);

    /// <summary>
    /// Stores a block. Idempotent: putting a block that is already there does nothing, unless the stored copy is
    /// damaged (differs from <paramref name="data"/>, which hashes to <paramref name="cid"/>): then the good bytes
    /// replace it, so re-adding (or a dag import) repairs a block that `repo verify` reports as corrupt.
    /// </summary>
    void Put(Cid cid, ReadOnlySpan<byte> data);

    /// <summary>Removes a block; false if it was not there.</summary>
    bool Delete(Cid cid);

    /// <summary>Every block held, as CIDv1 raw unless the store knows better (the key is the multihash).</summary>
    IEnumerable<Multihash> EnumerateMultihashes();

    /// <summary>Makes every block put so far durable according to the store's sync policy.</summary>
    void Flush();
}
