import { render } from 'preact';
import { App } from './App';
import './styles.css';
import './desk.css';

render(<App />, document.getElementById('app')!);
