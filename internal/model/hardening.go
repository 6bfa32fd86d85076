package model

// Hardening configures the hardening check (schemas/hardening.cue).
type Hardening struct {
	// Accept maps a check id ("hardening/image-digest") to the findings it
	// tolerates, with the reason.
	Accept map[string]HardeningAccept `json:"accept"`
}

// HardeningAccept tolerates one check's findings, for every object or for
// the objects named Kind/name.
type HardeningAccept struct {
	Reason  string   `json:"reason"`
	Objects []string `json:"objects,omitempty"`
}

// Resources are a container's requests and limits (Kubernetes quantities).
type Resources struct {
	Requests ResourceList `json:"requests"`
	Limits   ResourceList `json:"limits"`
}

// ResourceList is the CPU and memory of requests or limits.
type ResourceList struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// Storage is the volume a Prometheus or Thanos Ruler keeps its data in.
type Storage struct {
	// Persistent asks for a PersistentVolumeClaim per replica; false
	// leaves the data on emptyDir.
	Persistent       bool   `json:"persistent"`
	Size             string `json:"size"`
	StorageClassName string `json:"storageClassName,omitempty"`
}

// ThanosTLS secures the StoreAPI (gRPC) between Thanos Query and the
// stores: one Secret holding the CA, a certificate and its key.
type ThanosTLS struct {
	Secret     string `json:"secret"`
	CAKey      string `json:"caKey"`
	CertKey    string `json:"certKey"`
	KeyKey     string `json:"keyKey"`
	ServerName string `json:"serverName,omitempty"`
}
