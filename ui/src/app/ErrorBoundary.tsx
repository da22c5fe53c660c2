import { Component, type ErrorInfo, type ReactNode } from 'react';
import { FatalErrorScreen } from '../screens/FatalErrorScreen';

interface ErrorBoundaryState {
  error: unknown;
  hasError: boolean;
}

/** Shows the fatal error page instead of a blank window if rendering throws. */
export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null, hasError: false };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { error, hasError: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Render error', error, info.componentStack);
  }

  override render() {
    if (this.state.hasError) return <FatalErrorScreen error={this.state.error} render />;
    return this.props.children;
  }
}
