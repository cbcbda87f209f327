using P2P.Node.Multiformats;

namespace P2P.Node.Naming;

/// <summary>A key of the keystore: its local name and the PeerId its public key makes (whose IPNS name it publishes).</summary>
public sealed record KeyInfo(string Name, PeerId Id)
{
    public IpnsName IpnsName => IpnsName.FromPeerId(Id);
}
