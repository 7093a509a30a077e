"""userpools: a self-hosted server for the Amazon Cognito User Pools API."""

__version__ = "0.1.0"
