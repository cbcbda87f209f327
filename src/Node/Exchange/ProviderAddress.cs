using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>A peer said to hold a block, and where to dial it.</summary>
public sealed record ProviderAddress(PeerId PeerId, IPEndPoint EndPoint);
