namespace P2P.Node.Naming;

/// <summary>Where records are published and looked up (the DHT in a daemon; tests give a table).</summary>
public interface IValueRouting
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; how many remote nodes took it.</summary>
    Task<int> PutAsync(byte[] key, byte[] value, CancellationToken ct);

    /// <summary>The newest valid value held under <paramref name="key"/>, or null when none was found.</summary>
    Task<byte[]?> GetAsync(byte[] key, CancellationToken ct);
}
