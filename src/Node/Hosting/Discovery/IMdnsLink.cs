namespace P2P.Node.Hosting.Discovery;

/// <summary>Where <see cref="LanDiscovery"/> sends its multicasts: the real socket, or a test's recorder.</summary>
public interface IMdnsLink
{
    /// <summary>Multicasts <paramref name="message"/> to the mDNS group on <paramref name="via"/>; failures are logged, not thrown.</summary>
    void Send(LanInterface via, byte[] message);
}
