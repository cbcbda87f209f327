namespace P2P.Node.Storage;

/// <summary>When block writes reach stable storage (config <c>datastore.syncPolicy</c>).</summary>
public enum SyncPolicy
{
    /// <summary>Never fsync: fastest; a power cut may lose recent blocks (never expose torn ones: writes are renamed into place).</summary>
    None,

    /// <summary>Remember what was written and fsync it all, in parallel, on <see cref="IBlockStore.Flush"/>. The default.</summary>
    Batch,

    /// <summary>Fsync every block file and its directory before Put returns.</summary>
    Always,
}
